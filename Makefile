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
PKGS    := sdl2 SDL2_ttf SDL2_image jansson libutf8proc sqlite3
DEB_PACKAGES := build-essential pkg-config libsdl2-dev libsdl2-ttf-dev \
	libsdl2-image-dev libjansson-dev libutf8proc-dev libsqlite3-dev sqlite3 \
	libcmocka-dev libcrypt-dev python3

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
UNIT_SRC  := $(wildcard tests/unit/test_*.c)

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))

CORE_OBJ  := $(call obj,$(CORE_SRC))
STORE_OBJ := $(call obj,$(STORE_SRC))
PLAT_OBJ  := $(call obj,$(PLAT_SRC))
UI_OBJ    := $(call obj,$(UI_SRC))
KIOSK_OBJ := $(call obj,$(KIOSK_SRC)) $(BUILD)/obj/embedded.o
CTL_OBJ   := $(call obj,$(CTL_SRC))
UNIT_BIN  := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))

LIBCORE   := $(BUILD)/libsipascore.a
LIBSTORE  := $(BUILD)/libsipasstore.a

CORE_LIBS  = $(call pc_libs,jansson libutf8proc)
STORE_LIBS = $(call pc_libs,sqlite3)
UI_LIBS    = $(call pc_libs,sdl2 SDL2_ttf SDL2_image)

.PHONY: all run test test-unit test-asan asan-build bench shots clean deps \
	crash-long

all: $(BUILD)/sipas-kiosk $(BUILD)/sipasctl $(UNIT_BIN)

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

$(BUILD)/sipas-kiosk: $(KIOSK_OBJ) $(UI_OBJ) $(PLAT_OBJ) $(LIBSTORE) $(LIBCORE)
	@echo "  LINK    $@"
	@$(CC) $(OPT) $(SAN) -o $@ $^ $(UI_LIBS) $(STORE_LIBS) $(CORE_LIBS) -lcrypt -lm -lpthread

$(BUILD)/sipasctl: $(CTL_OBJ) $(PLAT_OBJ) $(LIBSTORE) $(LIBCORE)
	@echo "  LINK    $@"
	@$(CC) $(OPT) $(SAN) -o $@ $^ $(STORE_LIBS) $(CORE_LIBS) -lcrypt -lm -lpthread

# Unit tests link every library; the linker keeps what each one uses.
$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(UI_OBJ) $(PLAT_OBJ) $(LIBSTORE) $(LIBCORE)
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) $(OPT) $(SAN) -o $@ $^ $(call pc_libs,cmocka) $(UI_LIBS) $(STORE_LIBS) $(CORE_LIBS) -lcrypt -lm -lpthread

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

shots: $(BUILD)/sipas-kiosk
	@tests/golden/make-shots.sh $(BUILD) docs/screenshots

# Golden references: the screens the golden test compares against.
golden-refs: $(BUILD)/sipas-kiosk
	@tests/golden/golden.sh $(BUILD) --update

bench: all
	@tests/bench/run.sh $(BUILD)

crash-long: all
	@CRASH_RUNS=2000 tests/crash/crash.sh $(BUILD)

clean:
	rm -rf build var

# Test objects are intermediate to make, but keeping them saves relinks.
.SECONDARY:

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
