# sipas-kiosk: satisfaction-rating kiosk, provincial hub and technician tools.
#
#   make            build the programs into build/ (packages: `make deps`)
#   make kiosk      the device's programs only: sipas-kiosk, sipas-sync and
#                   sipasctl
#   make hub        the provincial hub only
#   make report     the analysts' report program only: sipas-report
#   make voice      the kiosk's spoken prompts (espeak-ng) into build/voice/
#   make deps       install the Debian packages every program needs to build
#   make run        install what the kiosk needs, build it, start the demo in a window
#   make test       install build and test packages, build, run every test
#   make test-anytime  the tests again at dates where the local day is not UTC's
#   make test-pg    the hub and sync end-to-end scripts with the hub on PostgreSQL
#   make fuzz       every libFuzzer harness for FUZZ_SECONDS each (docs/FUZZING.md)
#   make fuzz-short every harness for a few seconds (CI)
#   make bench      benchmarks, table into docs/BENCHMARKS.md
#   make soak       60 virtual days of a busy counter: kiosk, sipas-sync and
#                   hub; memory, open files, database sizes, exact counts
#   make shots      screenshots of every screen at every resolution
#   make deb        Debian packages into build/deb/, checked by lintian
#   make deb-test   the packages on a clean Debian 12 root (mmdebstrap)
#   make test-arm64 cross-build for arm64, run its unit tests and a rating
#                   under qemu-aarch64 (deb ... DEB_HOST_ARCH=arm64 for packages)
#   make image      the Raspberry Pi 4 SD-card image (arm64 Debian, A/B slots,
#                   RAUC) into build/image/ (firmware/image/README.md)
#   make bundle     a signed RAUC update bundle of that image
#   make image-test the same root for QEMU virt, booted under emulation:
#                   readiness, read-only root, a rating across a hard reset,
#                   provisioning, an update and a rollback (~25 min with
#                   the root cached, ~50 min without)
#   make man        regenerate the manual pages in firmware/man/
#   make review-sheet  the translation review sheet of LANG_CODE (default km)
#                   as PDF: build/review-km.pdf (docs/LANGUAGES.md)
#   make clean      remove build/ (the demo kiosk's data in var/ stays)
#
# Building reads no network and needs no root once the packages are there:
# only `make deps`, `make run`, `make test`, `make test-anytime`, the
# image targets and the fuzzing targets call apt-get. Packagers and cross-builds set CC, CFLAGS, CPPFLAGS, LDFLAGS and
# PKG_CONFIG as usual.

BUILD      ?= build
PKG_CONFIG ?= pkg-config
CFLAGS     ?= -O2 -g
CPPFLAGS   ?=
LDFLAGS    ?=
SAN        ?=
WERROR     ?= -Werror

# ---- Debian packages, one set per program ------------------------------
# The kiosk's set is what a Pi needs to build sipas-kiosk and sipasctl:
# no browser, no PDF or spreadsheet libraries (those are sipas-report's).
DEB_BUILD  := build-essential pkg-config
DEB_KIOSK  := libsdl2-dev libsdl2-ttf-dev libsdl2-image-dev libjansson-dev \
	libutf8proc-dev libsqlite3-dev libcrypt-dev libcurl4-openssl-dev espeak-ng
DEB_HUB    := libmicrohttpd-dev libgnutls28-dev libjansson-dev libutf8proc-dev \
	libsqlite3-dev libpq-dev libyajl-dev
DEB_REPORT := libxlsxwriter-dev libcairo2-dev libpango1.0-dev \
	libcurl4-openssl-dev libjansson-dev libutf8proc-dev
# clang with libFuzzer's runtime (libclang-rt-dev: libclang_rt.fuzzer)
# builds the fuzzing harnesses of tests/fuzz. hb-view (libharfbuzz-bin)
# draws the reference Khmer that tests/unit/test_shaping.c compares with.
# Debian's kernel headers of this machine's architecture build the image's
# kernel module (tests/image/test_tryboot_module.sh). The PostgreSQL
# server's binaries (initdb, pg_ctl) let the hub's storage tests start a
# server of their own (tests/hub/pg_env.sh); no cluster of the system's.
# nginx runs in front of several hubs as an ordinary process of the test
# (tests/hub/nginx_env.sh); Debian starts no service in a container.
DEB_TEST   := libcmocka-dev sqlite3 openssl curl python3 poppler-utils rauc \
	chromium faketime clang libclang-rt-dev libharfbuzz-bin postgresql-15 \
	nginx-light \
	linux-headers-$(shell dpkg --print-architecture 2>/dev/null || echo amd64)
# Node.js runs the browser tests. A machine may carry its own Node.js
# (nodesource's nodejs bundles npm and conflicts with Debian's npm), so
# Debian's nodejs and npm are installed only when npm is missing.
DEB_NODE   := nodejs npm
DEB_BENCH  := strace
# Building and checking the Debian packages (firmware/debian).
DEB_DEB    := debhelper dpkg-dev fakeroot lintian help2man mmdebstrap

# Installs what of $(1) is missing: apt-get as root, through sudo otherwise.
define deb_install
	@command -v dpkg-query >/dev/null 2>&1 || { echo "not a Debian system: install the equivalents of: $(1)"; exit 0; }; \
	missing=""; for p in $(sort $(1)); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive \
	    $$SUDO apt-get install -y -q --no-install-recommends $$missing || exit 1; \
	fi
endef

# ---- Modules ------------------------------------------------------------
# A module is a folder of sources: app/<name> for the libraries and the
# kiosk, tools/<name> for the other programs, tests/<name> for tests.
# PC_<module>: the pkg-config packages whose headers the module may use.
# Headers of the other packages are replaced, for that module only, by
# headers that stop the build with an #error naming the rule, so app/core
# cannot grow an SQLite or SDL dependency by accident.
# USES_<module>: the project modules it may include; checked against the
# compiler's dependency list after each compile. Unset: unchecked (tests).
PC_app/core      := jansson libutf8proc
PC_app/platform  :=
PC_app/db        := sqlite3
PC_app/store     := sqlite3
# The kiosk links no network library and no image codec: uploading is
# sipas-sync's (app/upload, app/syncd), a process of its own, and app/sync
# is what both read of sync.db.
PC_app/sync      := sqlite3 jansson
PC_app/upload    := sqlite3 libcurl jansson
PC_app/syncd     := sqlite3 libcurl jansson
PC_app/ui        := sdl2 SDL2_ttf
PC_app/kiosk     := sdl2 SDL2_ttf jansson
PC_tools/ctl     := sqlite3 libcurl jansson
PC_tools/report  := libcurl jansson xlsxwriter pangocairo
PC_tools/voice   := jansson libutf8proc
# The hub's layers are modules of their own (tools/hub/<layer>, see
# docs/ARCHITECTURE.md): only http and the commands speak HTTP, only
# store speaks SQL (SQLite, and PostgreSQL through libpq in sqlx_pg.c);
# base wraps gnutls's hashes for everyone.
PC_tools/hub/base   := gnutls jansson
PC_tools/hub/store  := sqlite3 libpq jansson
PC_tools/hub/domain := jansson yajl
PC_tools/hub/api    := jansson
PC_tools/hub/http   := libmicrohttpd gnutls jansson
PC_tools/hub/cmd    := libmicrohttpd gnutls jansson libcurl
PC_tests/unit    := cmocka sdl2 SDL2_ttf SDL2_image sqlite3 libcurl jansson \
	libmicrohttpd gnutls libpq
PC_tests/golden  := sdl2 SDL2_image
PC_tests/fuzz    := jansson libmicrohttpd libcurl
PC_tests/bench   := sdl2 SDL2_ttf

USES_app/core     := app/core
USES_app/platform := app/platform
USES_app/db       := app/db
USES_app/store    := app/store app/db app/core
USES_app/sync     := app/sync app/db app/store app/core app/platform
USES_app/upload   := app/upload app/sync app/db app/store app/core app/platform
USES_app/ui       := app/ui app/core
USES_app/kiosk    := app/kiosk app/ui app/sync app/store app/core app/platform
# sipas-sync reads the kiosk's configuration as the kiosk does (provshow).
USES_app/syncd    := app/syncd app/kiosk app/upload app/sync app/store app/db \
	app/core app/platform
USES_tools/ctl    := tools/ctl app/upload app/sync app/store app/core app/platform
USES_tools/report := tools/report app/upload app/sync app/core app/platform
USES_tools/voice  := tools/voice app/core
# The hub's arrows point down: cmd > http > api > domain > store > base.
HUB_BASE          := tools/hub/base app/core
USES_tools/hub/base   := $(HUB_BASE)
USES_tools/hub/store  := tools/hub/store app/db $(HUB_BASE)
USES_tools/hub/domain := tools/hub/domain tools/hub/store $(HUB_BASE)
USES_tools/hub/api    := tools/hub/api tools/hub/domain tools/hub/store $(HUB_BASE)
USES_tools/hub/http   := tools/hub/http tools/hub/api tools/hub/domain \
	tools/hub/store $(HUB_BASE)
USES_tools/hub/cmd    := tools/hub/cmd tools/hub/http tools/hub/api \
	tools/hub/domain tools/hub/store $(HUB_BASE) app/platform app/upload

# Header files of each package, for the modules that may not use it.
HDR_sdl2          := SDL.h SDL2/SDL.h SDL_ttf.h SDL2/SDL_ttf.h
HDR_SDL2_image    := SDL_image.h SDL2/SDL_image.h
HDR_sqlite3       := sqlite3.h
HDR_libcurl       := curl/curl.h
HDR_libmicrohttpd := microhttpd.h
HDR_gnutls        := gnutls/gnutls.h gnutls/x509.h
HDR_pangocairo    := cairo.h cairo-pdf.h pango/pangocairo.h
HDR_xlsxwriter    := xlsxwriter.h
HDR_cmocka        := cmocka.h
HDR_jansson       := jansson.h
HDR_libpq         := libpq-fe.h
HDR_yajl          := yajl/yajl_parse.h yajl/yajl_gen.h yajl/yajl_tree.h
PACKAGES_GUARDED  := sdl2 SDL2_image sqlite3 libcurl libmicrohttpd gnutls \
	pangocairo xlsxwriter cmocka jansson libpq yajl
# SDL_ttf comes with SDL for this purpose; SDL_image (image codecs) is
# guarded on its own: the kiosk may not use it.
pc_family = $(if $(filter SDL2_ttf,$(1)),sdl2,$(1))

# The module of a path: its first two folders, three under tools/hub.
modof  = $(word 1,$(subst /, ,$(1)))/$(word 2,$(subst /, ,$(1)))$(if $(filter tools/hub/%,$(1)),/$(word 3,$(subst /, ,$(1))))
denied = $(filter-out $(foreach p,$(PC_$(1)),$(call pc_family,$(p))),$(PACKAGES_GUARDED))

pc_cflags = $(if $(1),$(shell $(PKG_CONFIG) --cflags $(1) 2>/dev/null))
pc_libs   = $(if $(1),$(shell $(PKG_CONFIG) --libs $(1) 2>/dev/null))

# Every string buffer has a hard cap and snprintf truncates on purpose, so
# gcc's guesses about possible truncation are not errors here.
WARN := -Wall -Wextra $(WERROR) -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wformat=2 -Wno-unused-parameter -Wno-format-truncation
CSTD := -std=c11 -D_GNU_SOURCE
ALL_CFLAGS = $(CSTD) $(WARN) -Iapp -Itools $(CPPFLAGS) $(CFLAGS) $(SAN) -MMD -MP
ALL_LDFLAGS = $(CFLAGS) $(SAN) $(LDFLAGS)

CORE_SRC  := $(wildcard app/core/*.c)
STORE_SRC := $(wildcard app/store/*.c)
DB_SRC    := $(wildcard app/db/*.c)
PLAT_SRC  := $(wildcard app/platform/*.c)
UI_SRC    := $(wildcard app/ui/*.c)
KIOSK_SRC := $(wildcard app/kiosk/*.c)
CTL_SRC   := $(wildcard tools/ctl/*.c)
REPORT_SRC := $(wildcard tools/report/*.c)
VOICE_SRC := $(wildcard tools/voice/*.c)
SYNC_SRC  := $(wildcard app/sync/*.c)
UPLOAD_SRC := $(wildcard app/upload/*.c)
SYNCD_SRC := $(wildcard app/syncd/*.c)
HUB_SRC   := $(filter-out tools/hub/cmd/main.c,$(wildcard tools/hub/*/*.c))
UNIT_SRC  := $(wildcard tests/unit/test_*.c)

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))

CORE_OBJ  := $(call obj,$(CORE_SRC))
STORE_OBJ := $(call obj,$(STORE_SRC))
DB_OBJ    := $(call obj,$(DB_SRC))
PLAT_OBJ  := $(call obj,$(PLAT_SRC))
UI_OBJ    := $(call obj,$(UI_SRC))
KIOSK_OBJ := $(call obj,$(KIOSK_SRC)) $(BUILD)/obj/embedded.o
CTL_OBJ   := $(call obj,$(CTL_SRC))
REPORT_OBJ := $(call obj,$(REPORT_SRC))
VOICE_OBJ := $(call obj,$(VOICE_SRC))
SYNC_OBJ  := $(call obj,$(SYNC_SRC))
UPLOAD_OBJ := $(call obj,$(UPLOAD_SRC))
# The kiosk's configuration, read the kiosk's way (embedded defaults aside).
SYNCD_OBJ := $(call obj,$(SYNCD_SRC)) $(call obj,app/kiosk/provshow.c app/kiosk/assets.c)
HUB_OBJ   := $(call obj,$(HUB_SRC))
UNIT_BIN  := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))

LIBCORE   := $(BUILD)/libsipascore.a
LIBSTORE  := $(BUILD)/libsipasstore.a
LIBDB     := $(BUILD)/libsipasdb.a
LIBPLAT   := $(BUILD)/libsipasplat.a
LIBSYNC   := $(BUILD)/libsipassync.a
LIBUPLOAD := $(BUILD)/libsipasupload.a
LIBHUB    := $(BUILD)/libsipashub.a

CORE_LIBS   = $(call pc_libs,jansson libutf8proc)
STORE_LIBS  = $(call pc_libs,sqlite3)
UI_LIBS     = $(call pc_libs,sdl2 SDL2_ttf)
# Screenshots as PNG: SDL2_image is loaded only when a script asks for one.
DL_LIBS     = -ldl
SYNC_LIBS   = $(call pc_libs,libcurl)
HUB_LIBS    = $(call pc_libs,libmicrohttpd gnutls yajl libcurl)
# libpq (and the Kerberos and LDAP libraries it brings) is not linked:
# sqlx_pg.c loads it at the first PostgreSQL open (dlopen), so a command
# on an SQLite file does not load thirteen libraries it never calls.
PQ_LIBS     = $(DL_LIBS)
REPORT_LIBS = $(call pc_libs,xlsxwriter pangocairo)

PROGRAMS := $(BUILD)/sipas-kiosk $(BUILD)/sipas-sync $(BUILD)/sipasctl \
	$(BUILD)/sipas-hub $(BUILD)/sipas-report

.PHONY: all kiosk hub report voice tests run test deb deb-test deps-deb deps-arm64 test-arm64 man \
	image bundle image-test deps-image test-anytime test-pg test-unit test-asan asan-build bench soak \
	shots clean deps deps-kiosk deps-hub deps-report deps-test deps-node deps-bench \
	crash-long golden-refs print-modules fuzz fuzz-short fuzz-build fuzz-bins \
	review-sheet

# The spoken prompts are generated by a program built here and run here:
# a cross-build (CC for another machine) sets VOICE=0 and makes them with
# the build machine's compiler (firmware/debian/rules does).
VOICE          ?= 1
VOICE_DIR      ?= $(BUILD)/voice
VOICE_VARIANTS ?= north central south
VOICE_STAMP    := $(VOICE_DIR).built
VOICE_SET      := $(if $(filter 1,$(VOICE)),$(VOICE_STAMP))

all: $(PROGRAMS) $(BUILD)/web/.built $(VOICE_SET)
kiosk: $(BUILD)/sipas-kiosk $(BUILD)/sipas-sync $(BUILD)/sipasctl $(VOICE_SET)
voice: $(VOICE_STAMP)
hub: $(BUILD)/sipas-hub $(BUILD)/web/.built
report: $(BUILD)/sipas-report
tests: $(UNIT_BIN) $(BUILD)/tools/imgdiff

deps: deps-kiosk deps-hub deps-report
deps-kiosk:
	$(call deb_install,$(DEB_BUILD) $(DEB_KIOSK))
deps-hub:
	$(call deb_install,$(DEB_BUILD) $(DEB_HUB))
deps-report:
	$(call deb_install,$(DEB_BUILD) $(DEB_REPORT))
deps-test:
	$(call deb_install,$(DEB_TEST))
	@command -v npm >/dev/null 2>&1 || { $(MAKE) --no-print-directory deps-node; }
deps-node:
	$(call deb_install,$(DEB_NODE))
deps-bench:
	$(call deb_install,$(DEB_BENCH))

# The per-module guard headers (see PC_ above), and a plain message when a
# module's packages are missing instead of a compiler error about a header.
$(BUILD)/guard/%/.made: Makefile
	@missing=""; for p in $(PC_$*); do $(PKG_CONFIG) --exists $$p 2>/dev/null || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then echo "$*: missing development packages:$$missing (install them with: make deps)"; exit 1; fi
	@rm -rf $(dir $@) && mkdir -p $(dir $@)
	@for h in $(foreach p,$(call denied,$*),$(HDR_$(p))); do \
	  mkdir -p $(dir $@)$$(dirname $$h); \
	  printf '#error "$* may not use <%s>: see PC_$* in the Makefile"\n' "$$h" > $(dir $@)$$h; \
	done
	@touch $@

# After each compile: every project header it read belongs to a module
# listed in USES_ for its own module (a hub layer is tools/hub/<layer>);
# each module it may not include is named.
check_uses = $(if $(filter undefined,$(origin USES_$(1))),true,\
	bad=0; for m in $$(grep -oE '(app/[a-z_]+|tools/hub/[a-z_]+|tools/[a-z_]+)/' $(2) | sort -u); do \
	  echo " $(USES_$(1)) " | grep -qF " $${m%/} " || { bad=1; \
	  echo "$(3): $(1) may not include $${m%/} (see USES_$(1) in the Makefile)" >&2; }; \
	done; [ $$bad = 0 ])

.SECONDEXPANSION:
$(BUILD)/obj/%.o: %.c | $(BUILD)/guard/$$(call modof,$$*)/.made
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) -I$(BUILD)/guard/$(call modof,$<) $(ALL_CFLAGS) $(call pc_cflags,$(PC_$(call modof,$<))) -c $< -o $@
	@$(call check_uses,$(call modof,$<),$(@:.o=.d),$<) || { rm -f $@; exit 1; }

# Demo configuration, default survey, UI words and fonts go into the binary
# so that `sipas-kiosk` with no arguments runs anywhere.
EMBED := assets/config/default.json assets/config/dossier-formats.json \
	assets/surveys/sipas-short.json \
	assets/i18n/ui.json assets/fonts/NotoSans-Regular.ttf assets/fonts/NotoSans-Bold.ttf \
	assets/fonts/NotoSansKhmer-Regular.ttf
$(BUILD)/obj/embedded.o: app/kiosk/embedded.S $(EMBED)
	@mkdir -p $(dir $@)
	@$(CC) $(CPPFLAGS) $(CFLAGS) -c -I. $< -o $@

$(LIBCORE): $(CORE_OBJ)
	@rm -f $@; $(AR) rcs $@ $^
$(LIBSTORE): $(STORE_OBJ)
	@rm -f $@; $(AR) rcs $@ $^
$(LIBDB): $(DB_OBJ)
	@rm -f $@; $(AR) rcs $@ $^
$(LIBPLAT): $(PLAT_OBJ)
	@rm -f $@; $(AR) rcs $@ $^
$(LIBSYNC): $(SYNC_OBJ)
	@rm -f $@; $(AR) rcs $@ $^
$(LIBUPLOAD): $(UPLOAD_OBJ)
	@rm -f $@; $(AR) rcs $@ $^
$(LIBHUB): $(HUB_OBJ)
	@rm -f $@; $(AR) rcs $@ $^

# The citizen's process: no libcurl (nor what it pulls in), no image codec;
# tests/build/test_rules.sh checks what it needs.
$(BUILD)/sipas-kiosk: $(KIOSK_OBJ) $(UI_OBJ) $(PLAT_OBJ) $(LIBSYNC) $(LIBSTORE) $(LIBDB) $(LIBCORE)
	@echo "  LINK    $@"
	@$(CC) $(ALL_LDFLAGS) -o $@ $^ $(UI_LIBS) $(STORE_LIBS) $(CORE_LIBS) $(DL_LIBS) -lcrypt -lm -lpthread

# The uploader: the network side of the device, a process of its own.
$(BUILD)/sipas-sync: $(SYNCD_OBJ) $(PLAT_OBJ) $(LIBUPLOAD) $(LIBSYNC) $(LIBSTORE) $(LIBDB) $(LIBCORE)
	@echo "  LINK    $@"
	@$(CC) $(ALL_LDFLAGS) -o $@ $^ $(SYNC_LIBS) $(STORE_LIBS) $(CORE_LIBS) -lm -lpthread

# sipasctl goes on the kiosk: no PDF or spreadsheet library. Its `report`
# command runs sipas-report, which links them.
$(BUILD)/sipasctl: $(CTL_OBJ) $(PLAT_OBJ) $(LIBUPLOAD) $(LIBSYNC) $(LIBSTORE) $(LIBDB) $(LIBCORE)
	@echo "  LINK    $@"
	@$(CC) $(ALL_LDFLAGS) -o $@ $^ $(SYNC_LIBS) $(STORE_LIBS) $(CORE_LIBS) -lcrypt -lm -lpthread

$(BUILD)/sipas-report: $(REPORT_OBJ) $(PLAT_OBJ) $(LIBUPLOAD) $(LIBSYNC) $(LIBCORE)
	@echo "  LINK    $@"
	@$(CC) $(ALL_LDFLAGS) -o $@ $^ $(REPORT_LIBS) $(SYNC_LIBS) $(CORE_LIBS) -lm -lpthread

$(BUILD)/sipas-hub: $(BUILD)/obj/tools/hub/cmd/main.o $(LIBHUB) $(LIBUPLOAD) $(LIBDB) $(LIBPLAT) $(LIBCORE)
	@echo "  LINK    $@"
	@$(CC) $(ALL_LDFLAGS) -o $@ $^ $(HUB_LIBS) $(PQ_LIBS) $(STORE_LIBS) $(CORE_LIBS) -lm -lpthread

# Names and texts of the spoken prompts, and their resampling; espeak-ng
# speaks them (docs/VOICE.md). One set per regional voice.
$(BUILD)/sipas-voice-texts: $(VOICE_OBJ) $(LIBCORE)
	@echo "  LINK    $@"
	@$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CORE_LIBS) -lm

$(VOICE_STAMP): $(BUILD)/sipas-voice-texts tools/voice/make-voice.sh \
		assets/i18n/ui.json $(wildcard assets/surveys/*.json)
	@echo "  VOICE   $(VOICE_DIR) ($(VOICE_VARIANTS))"
	@tools/voice/make-voice.sh $(BUILD)/sipas-voice-texts $(VOICE_DIR) $(VOICE_VARIANTS)
	@touch $@

# Unit tests link every library; the linker keeps what each one uses.
$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(UI_OBJ) $(PLAT_OBJ) $(LIBHUB) $(LIBUPLOAD) $(LIBSYNC) $(LIBSTORE) $(LIBDB) $(LIBCORE)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(ALL_LDFLAGS) -o $@ $^ $(call pc_libs,cmocka SDL2_image) $(UI_LIBS) $(DL_LIBS) $(HUB_LIBS) $(PQ_LIBS) $(REPORT_LIBS) $(SYNC_LIBS) $(STORE_LIBS) $(CORE_LIBS) -lcrypt -lm -lpthread

# The report's pure part is tested apart from cairo and the network.
$(BUILD)/tests/test_report_model: $(BUILD)/obj/tests/unit/test_report_model.o \
		$(BUILD)/obj/tools/report/report_model.o $(LIBCORE)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(ALL_LDFLAGS) -o $@ $^ $(call pc_libs,cmocka) $(CORE_LIBS) -lm

# The analysts' dashboard (docs/DASHBOARD.md): the page, its words, the
# survey that names the reasons, the fonts and Chart.js (kept in
# tools/hub/web/vendor/) go into $(BUILD)/web/, served under /dashboard/.
WEB_DIR  := tools/hub/web
WEB_PAGE := $(wildcard $(WEB_DIR)/*.html $(WEB_DIR)/*.js $(WEB_DIR)/*.css)
WEB_VENDOR := $(WEB_DIR)/vendor/chart.umd.min.js $(WEB_DIR)/vendor/chart.js-LICENSE.md
$(BUILD)/web/.built: $(WEB_PAGE) $(WEB_VENDOR) assets/surveys/sipas-short.json \
		assets/fonts/NotoSans-Regular.ttf assets/fonts/NotoSans-Bold.ttf
	@echo "  WEB     $(BUILD)/web"
	@rm -rf $(BUILD)/web && mkdir -p $(BUILD)/web/vendor $(BUILD)/web/fonts
	@cp $(WEB_PAGE) assets/surveys/sipas-short.json $(BUILD)/web/
	@cp $(WEB_VENDOR) $(BUILD)/web/vendor/
	@cp assets/fonts/NotoSans-Regular.ttf assets/fonts/NotoSans-Bold.ttf \
	  assets/fonts/OFL.txt $(BUILD)/web/fonts/
	@touch $@

# make run and make test install packages first, then build in a second
# make, so that pkg-config is asked only once the packages are there.
# That make compiles on every processor unless the caller's make already
# shares its jobs (make -jN).
BUILD_JOBS = $(if $(findstring jobserver,$(MAKEFLAGS)),,-j$(shell nproc 2>/dev/null || echo 2))
run: deps-kiosk
	@$(MAKE) --no-print-directory $(BUILD_JOBS) kiosk
	./$(BUILD)/sipas-kiosk --window 1280x800

test: deps deps-test
	@$(MAKE) --no-print-directory $(BUILD_JOBS) all tests asan-build fuzz-build
	@tests/run-all.sh $(BUILD) build/asan $(FUZZ_BUILD)

# The kiosk, tools and unit tests again with AddressSanitizer and UBSan
# (the spoken prompts once, in $(BUILD): their end-to-end test runs there).
asan-build:
	@$(MAKE) --no-print-directory $(BUILD_JOBS) BUILD=build/asan CFLAGS="-O1 -g -fno-omit-frame-pointer" \
	  SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" VOICE=0 all tests

$(BUILD)/tools/imgdiff: $(BUILD)/obj/tests/golden/imgdiff.o
	@mkdir -p $(dir $@)
	@$(CC) $(ALL_LDFLAGS) -o $@ $^ $(call pc_libs,sdl2 SDL2_image)

# The tests again at moments where Vietnam's day is not UTC's (faketime).
test-anytime: deps deps-test
	@$(MAKE) --no-print-directory $(BUILD_JOBS) all tests
	@tests/run-anytime.sh $(BUILD)

# The hub's and the uploader's end-to-end scripts with the hub on
# PostgreSQL (tests/run-pg.sh); skipped without its server binaries.
test-pg: deps deps-test
	@$(MAKE) --no-print-directory $(BUILD_JOBS) all tests
	@tests/run-pg.sh $(BUILD)

test-unit: all tests
	@tests/run-unit.sh $(BUILD)

test-asan: asan-build
	@ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 tests/run-unit.sh build/asan

shots: all
	@tests/golden/make-shots.sh $(BUILD) docs/screenshots
	@SHOTS=$(CURDIR)/docs/screenshots tests/web/run.sh $(BUILD)
	@SHOTS=$(CURDIR)/docs/screenshots tests/web/province.sh $(BUILD)
	@SHOTS=$(CURDIR)/docs/screenshots tests/web/national.sh $(BUILD)

# Golden references: the screens the golden test compares against.
golden-refs: $(BUILD)/sipas-kiosk
	@tests/golden/golden.sh $(BUILD) --update

# Benchmark programs: a runner that times READY=1 and reads /proc, and the
# bare SDL2 references. Built only for `make bench`.
BENCH_BIN := $(BUILD)/bench/bench-run $(BUILD)/bench/bare-sdl $(BUILD)/bench/bare-wait
BENCH_OBJ = $(BUILD)/obj/tests/bench/$(1).o

bench: deps deps-test deps-bench
	@$(MAKE) --no-print-directory $(BUILD_JOBS) all $(BENCH_BIN)
	@tests/bench/run.sh $(BUILD)

# The soak of a busy counter alone (tests/bench/soak.sh; SOAK_DAYS,
# SOAK_SEED): its section at the end of docs/BENCHMARKS.md.
soak: deps deps-test
	@$(MAKE) --no-print-directory all
	@SOAK_DOC=$${SOAK_DOC-docs/BENCHMARKS.md} tests/bench/soak.sh $(BUILD)

$(BUILD)/bench/bench-run: $(call BENCH_OBJ,bench_run)
	@mkdir -p $(dir $@)
	@$(CC) $(ALL_LDFLAGS) -o $@ $^

$(BUILD)/bench/bare-sdl: $(call BENCH_OBJ,bare_sdl) $(call BENCH_OBJ,bare_common)
	@mkdir -p $(dir $@)
	@$(CC) $(ALL_LDFLAGS) -o $@ $^ $(call pc_libs,sdl2 SDL2_ttf)

$(BUILD)/bench/bare-wait: $(call BENCH_OBJ,bare_wait) $(call BENCH_OBJ,bare_common)
	@mkdir -p $(dir $@)
	@$(CC) $(ALL_LDFLAGS) -o $@ $^ $(call pc_libs,sdl2)

# ---- Fuzzing (docs/FUZZING.md) -------------------------------------------
# One libFuzzer harness per parser, tests/fuzz/<name>.c, linked against the
# project's own objects built again by clang with the fuzzer's coverage,
# ASan and UBSan in $(FUZZ_BUILD). `make test` replays the corpora and the
# saved regressions through them once; `make fuzz` searches for new
# findings, FUZZ_SECONDS per harness (FUZZ_NAMES="ingest enroll" for some).
FUZZ_CC      ?= clang
FUZZ_BUILD   ?= build/fuzz
FUZZ_SECONDS ?= 300
FUZZ_SHORT_SECONDS ?= 8
FUZZ_ALL     := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/*.c))
FUZZ_NAMES   ?= $(FUZZ_ALL)
FUZZ_SAN     := -fsanitize=fuzzer-no-link,address,undefined \
	-fno-sanitize-recover=all
# clang knows no -Wformat-truncation, and warns of vsnprintf with a
# va_list format where gcc does not: the gcc build holds those lines.
FUZZ_WARN    := -Wno-unknown-warning-option -Wno-format-nonliteral
fuzz-build:
	@$(MAKE) --no-print-directory $(BUILD_JOBS) BUILD=$(FUZZ_BUILD) CC=$(FUZZ_CC) \
	  CFLAGS="-O1 -g -fno-omit-frame-pointer" SAN="$(FUZZ_SAN)" \
	  CPPFLAGS="$(CPPFLAGS) $(FUZZ_WARN)" fuzz-bins
fuzz-bins: $(addprefix $(BUILD)/harness/,$(FUZZ_ALL))

# Only the objects a harness calls leave the archives; report_model.o is
# sipas-report's pure part (the rest of it needs cairo and a network).
$(BUILD)/harness/%: $(BUILD)/obj/tests/fuzz/%.o $(BUILD)/obj/tools/report/report_model.o \
		$(PLAT_OBJ) $(LIBHUB) $(LIBUPLOAD) $(LIBSYNC) $(LIBSTORE) $(LIBDB) $(LIBCORE)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(ALL_LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(HUB_LIBS) $(PQ_LIBS) $(SYNC_LIBS) $(STORE_LIBS) $(CORE_LIBS) -lm -lpthread

fuzz: deps deps-test
	@$(MAKE) --no-print-directory fuzz-build
	@tests/fuzz/run.sh $(FUZZ_BUILD) fuzz $(FUZZ_SECONDS) $(FUZZ_NAMES)

fuzz-short: deps deps-test
	@$(MAKE) --no-print-directory fuzz-build
	@tests/fuzz/run.sh $(FUZZ_BUILD) fuzz $(FUZZ_SHORT_SECONDS) $(FUZZ_NAMES)

deps-deb: deps
	$(call deb_install,$(DEB_DEB))

deb: deps-deb $(if $(filter arm64,$(DEB_HOST_ARCH)),deps-arm64)
	@firmware/build-deb.sh $(BUILD)/deb

# arm64 from this machine: Debian's multiarch :arm64 -dev packages, the
# cross compiler, and qemu's user emulation to run what was built.
ARM64_PKGS := crossbuild-essential-arm64 qemu-user-static \
	$(addsuffix :arm64,$(filter lib%,$(DEB_KIOSK) $(DEB_HUB) $(DEB_REPORT)) libcmocka-dev)
deps-arm64: deps-deb
	@dpkg --print-foreign-architectures | grep -qx arm64 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO dpkg --add-architecture arm64 && $$SUDO apt-get update -q; }
	$(call deb_install,$(ARM64_PKGS))

ARM64_MAKE := BUILD=$(BUILD)/arm64 CC=aarch64-linux-gnu-gcc \
	PKG_CONFIG=aarch64-linux-gnu-pkg-config
test-arm64: deps-arm64
	@$(MAKE) --no-print-directory $(ARM64_MAKE) $(BUILD)/arm64/sipas-kiosk \
	  $(BUILD)/arm64/sipas-sync $(BUILD)/arm64/sipasctl $(BUILD)/arm64/sipas-hub tests
	@UNIT_RUNNER=qemu-aarch64-static tests/run-unit.sh $(BUILD)/arm64
	@tests/deb/test_arm64_rating.sh $(BUILD)/arm64

# ---- The appliance image (firmware/image/README.md) ---------------------
# mmdebstrap builds the arm64 root under qemu-user (binfmt), genimage the
# disk, RAUC the bundles; the QEMU test boots the virt board with UEFI.
DEB_IMAGE := mmdebstrap arch-test qemu-user-static genimage rauc dosfstools \
	mtools e2fsprogs squashfs-tools openssl
DEB_IMAGE_TEST := qemu-system-arm qemu-efi-aarch64 python3
IMAGE_DIR  ?= $(BUILD)/image
DEB_VERSION = $(shell dpkg-parsechangelog -l firmware/debian/changelog -S Version)
IMAGE_DEBS  = $(foreach p,sipas-kiosk sipas-sync sipasctl,$(BUILD)/deb/$(p)_$(DEB_VERSION)_arm64.deb)
deps-image: deps-arm64
	$(call deb_install,$(DEB_IMAGE) $(DEB_IMAGE_TEST))

image: deps-image
	@$(MAKE) --no-print-directory deb DEB_HOST_ARCH=arm64
	@firmware/image/build-image.sh $(IMAGE_DIR) rpi4 "" $(IMAGE_DEBS)

bundle: image
	@firmware/image/build-bundle.sh $(IMAGE_DIR) rpi4

image-test: deps-image
	@$(MAKE) --no-print-directory deb DEB_HOST_ARCH=arm64 hub
	@tests/image/test_qemu.sh $(IMAGE_DIR) $(BUILD) $(IMAGE_DEBS)

deb-test: deb
	@tests/deb/test_install.sh $(BUILD)/deb
	@tests/deb/test_upgrade.sh $(BUILD)/deb

# The sheet a province hands to a translator: every string of the UI
# words and the surveys in Vietnamese, English and LANG_CODE, a blank
# column for corrections (tools/langsheet, docs/LANGUAGES.md). python3 and
# chromium print it; SHEET_DATE=YYYY-MM-DD fixes the date it shows.
LANG_CODE ?= km
review-sheet:
	@tools/langsheet/review-sheet.sh $(BUILD)/review-$(LANG_CODE).pdf $(LANG_CODE)

man: $(BUILD)/sipas-kiosk $(BUILD)/sipas-sync $(BUILD)/sipasctl $(BUILD)/sipas-hub $(BUILD)/sipas-report
	@firmware/man/make-man.sh $(BUILD) firmware/man

crash-long: all
	@CRASH_RUNS=2000 tests/crash/crash.sh $(BUILD)

# One line per module: name|project modules it may include|packages.
# docs/ARCHITECTURE.md's module table is checked against it.
MODULES := $(sort $(patsubst USES_%,%,$(filter USES_%,$(.VARIABLES))))
print-modules:
	@$(foreach m,$(MODULES),echo '$(m)|$(filter-out $(m),$(USES_$(m)))|$(PC_$(m))';)

clean:
	rm -rf $(BUILD)

# Test objects are intermediate to make, but keeping them saves relinks.
.SECONDARY:

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
