/*
 * What xenconsoled and its client share (README.md: the attach protocol).
 */
#ifndef XENCONSOLED_H
#define XENCONSOLED_H

#define XENCONSOLED_SOCKET "/var/run/xen/xenconsoled.sock"
#define XENCONSOLED_LOG_DIR "/var/log/xen/console"

#endif
