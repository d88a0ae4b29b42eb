# Host tools (dom0-tools/).
.PHONY: tools
tools:
