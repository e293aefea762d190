/* version.h - the product version, shown on the admin screen and --version. */
#ifndef SIPAS_VERSION_H
#define SIPAS_VERSION_H

#define SIPAS_VERSION "0.2.0"

#endif
