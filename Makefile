# sipas-kiosk: satisfaction-rating kiosk, provincial hub and technician tools.
#
#   make          build everything into build/
#   make run      start the kiosk in a window on the embedded demo configuration
#   make test     unit tests (plain and ASan/UBSan), end-to-end, crash, golden
#   make bench    benchmarks, table into docs/BENCHMARKS.md
#   make shots    screenshots of every screen at every resolution
#   make clean
#
# Missing Debian packages are installed on first use (apt-get, as root or
# through sudo); see DEB_PACKAGES.

BUILD   ?= build
CC      ?= cc
PKGS    := sdl2 SDL2_ttf SDL2_image jansson libutf8proc sqlite3 libcurl \
	libmicrohttpd gnutls xlsxwriter pangocairo
DEB_PACKAGES := build-essential pkg-config libsdl2-dev libsdl2-ttf-dev \
	libsdl2-image-dev libjansson-dev libutf8proc-dev libsqlite3-dev sqlite3 \
	libcmocka-dev libcrypt-dev libcurl4-openssl-dev libmicrohttpd-dev \
	libgnutls28-dev openssl curl python3 libxlsxwriter-dev libcairo2-dev \
	libpango1.0-dev poppler-utils chromium

# Every string buffer has a hard cap and snprintf truncates on purpose, so
# gcc's guesses about possible truncation are not errors here.
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter \
	-Wno-format-truncation
CSTD    := -std=c11 -D_GNU_SOURCE
OPT     ?= -O2 -g
SAN     ?=
CFLAGS_ALL = $(CSTD) $(WARN) $(OPT) $(SAN) -Iapp -MMD -MP

DEPS_STAMP := $(BUILD)/.deps-ok

# pkg-config is asked only after the dependency stamp exists, so a fresh
# machine gets its packages before anything reads their flags.
pc_cflags = $(shell pkg-config --cflags $(1) 2>/dev/null)
pc_libs   = $(shell pkg-config --libs $(1) 2>/dev/null)

CORE_SRC  := $(wildcard app/core/*.c)
STORE_SRC := $(wildcard app/store/*.c)
PLAT_SRC  := $(wildcard app/platform/*.c)
UI_SRC    := $(wildcard app/ui/*.c)
KIOSK_SRC := $(wildcard app/kiosk/*.c)
CTL_SRC   := $(wildcard tools/ctl/*.c)
SYNC_SRC  := $(wildcard app/sync/*.c)
HUB_SRC   := $(filter-out tools/hub/main.c,$(wildcard tools/hub/*.c))
UNIT_SRC  := $(wildcard tests/unit/test_*.c)

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))

CORE_OBJ  := $(call obj,$(CORE_SRC))
STORE_OBJ := $(call obj,$(STORE_SRC))
PLAT_OBJ  := $(call obj,$(PLAT_SRC))
UI_OBJ    := $(call obj,$(UI_SRC))
KIOSK_OBJ := $(call obj,$(KIOSK_SRC)) $(BUILD)/obj/embedded.o
CTL_OBJ   := $(call obj,$(CTL_SRC))
SYNC_OBJ  := $(call obj,$(SYNC_SRC))
HUB_OBJ   := $(call obj,$(HUB_SRC))
UNIT_BIN  := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))

LIBCORE   := $(BUILD)/libsipascore.a
LIBSTORE  := $(BUILD)/libsipasstore.a
LIBSYNC   := $(BUILD)/libsipassync.a
LIBHUB    := $(BUILD)/libsipashub.a

CORE_LIBS  = $(call pc_libs,jansson libutf8proc)
STORE_LIBS = $(call pc_libs,sqlite3)
UI_LIBS    = $(call pc_libs,sdl2 SDL2_ttf SDL2_image)
SYNC_LIBS  = $(call pc_libs,libcurl)
HUB_LIBS   = $(call pc_libs,libmicrohttpd gnutls)
REPORT_LIBS = $(call pc_libs,xlsxwriter pangocairo)

.PHONY: all run test test-unit test-asan asan-build bench shots clean deps \
	crash-long

all: $(BUILD)/sipas-kiosk $(BUILD)/sipasctl $(BUILD)/sipas-hub $(UNIT_BIN) \
	$(BUILD)/web/.built

deps: $(DEPS_STAMP)
$(DEPS_STAMP):
	@mkdir -p $(BUILD)
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends $$missing || exit 1; \
	fi
	@touch $@

$(BUILD)/obj/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS_ALL) $(call pc_cflags,$(PKGS) cmocka) -c $< -o $@

# Demo configuration, default survey, UI words and fonts go into the binary
# so that `sipas-kiosk` with no arguments runs anywhere.
EMBED := assets/config/default.json assets/surveys/sipas-short.json \
	assets/i18n/ui.json assets/fonts/NotoSans-Regular.ttf assets/fonts/NotoSans-Bold.ttf
$(BUILD)/obj/embedded.o: app/kiosk/embedded.S $(EMBED) | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@$(CC) -c -I. $< -o $@

$(LIBCORE): $(CORE_OBJ)
	@rm -f $@; ar rcs $@ $^
$(LIBSTORE): $(STORE_OBJ)
	@rm -f $@; ar rcs $@ $^
$(LIBSYNC): $(SYNC_OBJ)
	@rm -f $@; ar rcs $@ $^
$(LIBHUB): $(HUB_OBJ)
	@rm -f $@; ar rcs $@ $^

$(BUILD)/sipas-kiosk: $(KIOSK_OBJ) $(UI_OBJ) $(PLAT_OBJ) $(LIBSYNC) $(LIBSTORE) $(LIBCORE)
	@echo "  LINK    $@"
	@$(CC) $(OPT) $(SAN) -o $@ $^ $(UI_LIBS) $(SYNC_LIBS) $(STORE_LIBS) $(CORE_LIBS) -lcrypt -lm -lpthread

$(BUILD)/sipasctl: $(CTL_OBJ) $(PLAT_OBJ) $(LIBSYNC) $(LIBSTORE) $(LIBCORE)
	@echo "  LINK    $@"
	@$(CC) $(OPT) $(SAN) -o $@ $^ $(REPORT_LIBS) $(SYNC_LIBS) $(STORE_LIBS) $(CORE_LIBS) -lcrypt -lm -lpthread

$(BUILD)/sipas-hub: $(BUILD)/obj/tools/hub/main.o $(LIBHUB) $(LIBCORE)
	@echo "  LINK    $@"
	@$(CC) $(OPT) $(SAN) -o $@ $^ $(HUB_LIBS) $(STORE_LIBS) $(CORE_LIBS) -lm -lpthread

# Unit tests link every library; the linker keeps what each one uses.
$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(UI_OBJ) $(PLAT_OBJ) $(LIBHUB) $(LIBSYNC) $(LIBSTORE) $(LIBCORE)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(OPT) $(SAN) -o $@ $^ $(call pc_libs,cmocka) $(UI_LIBS) $(HUB_LIBS) $(REPORT_LIBS) $(SYNC_LIBS) $(STORE_LIBS) $(CORE_LIBS) -lcrypt -lm -lpthread

# The analysts' dashboard (docs/DASHBOARD.md): the page, its words, the
# survey that names the reasons, the fonts and chart.js's UMD build from
# npm go into $(BUILD)/web/, which sipas-hub serves under /dashboard/.
# npm comes from Debian only when none is installed at all.
WEB_DIR  := tools/hub/web
WEB_PAGE := $(wildcard $(WEB_DIR)/*.html $(WEB_DIR)/*.js $(WEB_DIR)/*.css)
WEB_NPM  := $(WEB_DIR)/node_modules/.sipas-installed
$(WEB_NPM): $(WEB_DIR)/package.json $(WEB_DIR)/package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "installing: nodejs npm"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive \
	  $$SUDO apt-get install -y -q --no-install-recommends nodejs npm; }
	@echo "  NPM     $(WEB_DIR)"
	@npm ci --prefix $(WEB_DIR) --no-audit --no-fund --loglevel=error
	@touch $@
$(BUILD)/web/.built: $(WEB_NPM) $(WEB_PAGE) assets/surveys/sipas-short.json \
		assets/fonts/NotoSans-Regular.ttf assets/fonts/NotoSans-Bold.ttf
	@echo "  WEB     $(BUILD)/web"
	@rm -rf $(BUILD)/web && mkdir -p $(BUILD)/web/vendor $(BUILD)/web/fonts
	@cp $(WEB_PAGE) assets/surveys/sipas-short.json $(BUILD)/web/
	@cp $(WEB_DIR)/node_modules/chart.js/dist/chart.umd.min.js $(BUILD)/web/vendor/
	@cp $(WEB_DIR)/node_modules/chart.js/LICENSE.md $(BUILD)/web/vendor/chart.js-LICENSE.txt
	@cp assets/fonts/NotoSans-Regular.ttf assets/fonts/NotoSans-Bold.ttf \
	  assets/fonts/OFL.txt $(BUILD)/web/fonts/
	@touch $@

run: $(BUILD)/sipas-kiosk
	./$(BUILD)/sipas-kiosk --window 1280x800

test: all $(BUILD)/tools/imgdiff asan-build
	@tests/run-all.sh $(BUILD) build/asan

# The kiosk, tools and unit tests again with AddressSanitizer and UBSan.
asan-build:
	@$(MAKE) --no-print-directory BUILD=build/asan OPT="-O1 -g -fno-omit-frame-pointer" \
	  SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" all

$(BUILD)/tools/imgdiff: $(BUILD)/obj/tests/golden/imgdiff.o
	@mkdir -p $(dir $@)
	$(CC) $(OPT) $(SAN) -o $@ $^ $(UI_LIBS)

test-unit: all
	@tests/run-unit.sh $(BUILD)

test-asan: asan-build
	@ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 tests/run-unit.sh build/asan

shots: all
	@tests/golden/make-shots.sh $(BUILD) docs/screenshots
	@SHOTS=$(CURDIR)/docs/screenshots tests/web/run.sh $(BUILD)

# Golden references: the screens the golden test compares against.
golden-refs: $(BUILD)/sipas-kiosk
	@tests/golden/golden.sh $(BUILD) --update

# Benchmark programs: a runner that times READY=1 and reads /proc, and the
# bare SDL2 references. Built only for `make bench`.
BENCH_BIN := $(BUILD)/bench/bench-run $(BUILD)/bench/bare-sdl $(BUILD)/bench/bare-wait
BENCH_OBJ = $(BUILD)/obj/tests/bench/$(1).o

bench: all $(BENCH_BIN)
	@tests/bench/run.sh $(BUILD)

$(BUILD)/bench/bench-run: $(call BENCH_OBJ,bench_run)
	@mkdir -p $(dir $@)
	$(CC) $(OPT) -o $@ $^

$(BUILD)/bench/bare-sdl: $(call BENCH_OBJ,bare_sdl) $(call BENCH_OBJ,bare_common)
	@mkdir -p $(dir $@)
	$(CC) $(OPT) -o $@ $^ $(call pc_libs,sdl2 SDL2_ttf)

$(BUILD)/bench/bare-wait: $(call BENCH_OBJ,bare_wait) $(call BENCH_OBJ,bare_common)
	@mkdir -p $(dir $@)
	$(CC) $(OPT) -o $@ $^ $(call pc_libs,sdl2)

crash-long: all
	@CRASH_RUNS=2000 tests/crash/crash.sh $(BUILD)

clean:
	rm -rf build var

# Test objects are intermediate to make, but keeping them saves relinks.
.SECONDARY:

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
