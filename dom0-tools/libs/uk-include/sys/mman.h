/* <sys/mman.h> for the tool libraries in the unikernel: the PROT_* bits xenforeignmemory_map takes
 * (Linux's values). */
#ifndef TOOLS_UK_SYS_MMAN_H
#define TOOLS_UK_SYS_MMAN_H
#define PROT_NONE 0x0
#define PROT_READ 0x1
#define PROT_WRITE 0x2
#endif
