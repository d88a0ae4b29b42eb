/*
 * Tessera public ABI: the state machine frontends and backends publish in
 * their xenstore "state" node.  Follows Xen 4.17 (make test-abi).
 */
#ifndef TESSERA_PUBLIC_IO_XENBUS_H
#define TESSERA_PUBLIC_IO_XENBUS_H

enum xenbus_state {
	XenbusStateUnknown = 0,
	XenbusStateInitialising = 1,
	XenbusStateInitWait = 2,    /* backend: waiting for the frontend's details */
	XenbusStateInitialised = 3, /* frontend: details written */
	XenbusStateConnected = 4,
	XenbusStateClosing = 5,
	XenbusStateClosed = 6,
	XenbusStateReconfiguring = 7,
	XenbusStateReconfigured = 8
};
typedef enum xenbus_state XenbusState;

#endif /* TESSERA_PUBLIC_IO_XENBUS_H */
