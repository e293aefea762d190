/*
 * dirwatch.h - a wake-up eventfd and an inotify watch on a directory's
 * writes, the pair a thread sleeping in poll() waits on.
 *
 * Ownership: the caller owns both descriptors and closes them with
 * dirwatch_close(). Without inotify *ifd is -1 and the caller looks for
 * itself; only a failed eventfd is an error.
 */
#ifndef SIPAS_DIRWATCH_H
#define SIPAS_DIRWATCH_H

/* 0 with *efd and *ifd set (*ifd may be -1); -1 when no eventfd. */
int dirwatch_open(const char *dir, int *efd, int *ifd);
void dirwatch_close(int efd, int ifd);

#endif
