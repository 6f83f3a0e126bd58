/*
 * version.h - roadlog's version: run.json, --version, and the carry of a
 * --resume chain (a carry is read by the version that wrote it).
 */
#ifndef RL_VERSION_H
#define RL_VERSION_H

#define RL_VERSION "0.2.0"

#endif
