# techpool build: release (default), debug and ASan+UBSan builds, run, check, clean.
# BUILD selects the kind; objects of each kind live apart under build/<kind>/.

BUILD ?= release
PKGS := libmicrohttpd jansson libpq libsodium xlsxwriter libcurl libzip expat
ifeq ($(origin CC),default)
  CC := gcc
endif

WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
        -Wformat=2 -Wno-format-nonliteral -Wno-format-truncation
BASE_CFLAGS := -std=c17 -D_GNU_SOURCE $(WARN) -MMD -MP -Isrc \
        $(shell pkg-config --cflags $(PKGS))
LIBS := $(shell pkg-config --libs $(PKGS)) -lpthread -lm
TEST_LIBS := $(shell pkg-config --libs check)

ifeq ($(BUILD),release)
  KIND_CFLAGS := -O2 -g
else ifeq ($(BUILD),debug)
  KIND_CFLAGS := -O0 -g3
else ifeq ($(BUILD),asan)
  KIND_CFLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
  KIND_LDFLAGS := -fsanitize=address,undefined
else ifeq ($(BUILD),fuzz)
  KIND_CFLAGS := -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer \
                 -Wno-unknown-warning-option
  KIND_LDFLAGS := -fsanitize=address,undefined
else
  $(error BUILD must be release, debug, asan or fuzz)
endif

CFLAGS := $(BASE_CFLAGS) $(KIND_CFLAGS) $(EXTRA_CFLAGS)
LDFLAGS := $(KIND_LDFLAGS)
OUT ?= build/$(BUILD)

SRC := $(sort $(shell find src -name '*.c'))
OBJ := $(SRC:%.c=$(OUT)/%.o)
LIB_OBJ := $(filter-out $(OUT)/src/main.o,$(OBJ))

UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(OUT)/tests/unit/%)
API_SUPPORT := $(filter-out tests/api/test_%.c,$(wildcard tests/api/*.c))
API_SUPPORT_OBJ := $(API_SUPPORT:%.c=$(OUT)/%.o)
API_SRC := $(sort $(wildcard tests/api/test_*.c))
API_BIN := $(API_SRC:tests/api/%.c=$(OUT)/tests/api/%)

FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(OUT)/tests/fuzz/%)

# the C files held to .clang-format (clang-format 14: other versions format differently)
FORMAT_FILES = $(sort $(shell find src tests/unit tests/api tests/fuzz -name '*.[ch]'))
CLANG_FORMAT ?= $(if $(shell command -v clang-format-14),clang-format-14,clang-format)

.PHONY: all tests run check clean deps bench fuzz fuzz-build valgrind soak schema format \
        format-check vendor cluster cluster-test
all: $(OUT)/techpool vendor

tests: $(OUT)/techpool $(UNIT_BIN) $(API_BIN) vendor

# The browser libraries the daemon serves from static/vendor/ (Apache ECharts, for the dashboard's
# charts), pinned by vendor/package-lock.json and installed with npm ci. The copies are build
# output, ignored by git: a 1 MB minified file in every diff says nothing a version number does not.
VENDOR_OUT := static/vendor
vendor: $(VENDOR_OUT)/echarts.esm.min.mjs

$(VENDOR_OUT)/echarts.esm.min.mjs: vendor/package.json vendor/package-lock.json
	cd vendor && npm ci --no-audit --no-fund --loglevel=error
	@mkdir -p $(VENDOR_OUT)
	cp vendor/node_modules/echarts/LICENSE $(VENDOR_OUT)/echarts-LICENSE.txt
	cp vendor/node_modules/echarts/NOTICE $(VENDOR_OUT)/echarts-NOTICE.txt
	cp vendor/node_modules/zrender/LICENSE $(VENDOR_OUT)/zrender-LICENSE.txt
	cp vendor/node_modules/echarts/dist/echarts.esm.min.mjs $@

$(OUT)/techpool: $(OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

$(OUT)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

# the OpenAPI document is embedded into this object
$(OUT)/src/api/openapi.o: api/openapi.json

$(OUT)/tests/unit/%: $(OUT)/tests/unit/%.o $(LIB_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS) $(TEST_LIBS)

# The http layer's unit tests link every object of src/http with only the pure domain code, the
# thread helper and the libraries the layer uses: the proof that src/http reaches src/api and
# src/db through its hooks alone (http/hooks.h), never by a symbol of theirs.
HTTP_UNIT_BIN := $(addprefix $(OUT)/tests/unit/,test_fields test_problem test_reply_cache \
                   test_request_rules test_router test_static_path)
HTTP_OBJ := $(filter $(OUT)/src/http/% $(OUT)/src/domain/%,$(OBJ)) $(OUT)/src/background.o
HTTP_LIBS := $(shell pkg-config --libs libmicrohttpd jansson libsodium) -lpthread -lm
$(HTTP_UNIT_BIN): $(OUT)/tests/unit/%: $(OUT)/tests/unit/%.o $(HTTP_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(HTTP_LIBS) $(TEST_LIBS)

$(OUT)/tests/api/%: $(OUT)/tests/api/%.o $(API_SUPPORT_OBJ) $(LIB_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS) $(TEST_LIBS)

$(OUT)/tests/fuzz/%: $(OUT)/tests/fuzz/%.o $(LIB_OBJ)
	$(CC) $(LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(LIBS)

fuzz-build: $(FUZZ_BIN)

# libFuzzer with ASan+UBSan over every harness; FUZZ_SECONDS each (make check runs them briefly)
fuzz: deps
	$(MAKE) BUILD=fuzz CC=clang fuzz-build
	tests/fuzz/run.sh build/fuzz $${FUZZ_SECONDS:-120}

# the API suites against the debug daemon under valgrind memcheck (slow: minutes)
valgrind: deps
	$(MAKE) BUILD=debug tests
	TECHPOOL_TEST_DAEMON=$(CURDIR)/tests/valgrind-daemon.sh TECHPOOL_TEST_READY_SECONDS=120 \
	  TEST=tests/api tests/run-all.sh --kinds debug

# the fault tests at length: SIGKILL, database stops and terminated backends, round after round
soak: deps
	FAULT_ROUNDS=$${FAULT_ROUNDS:-30} TEST=test_faults tests/run-all.sh --kinds "release asan"

deps:
	deploy/install-deps.sh

run: deps
	$(MAKE) BUILD=release all
	deploy/run.sh

check: deps
	tests/run-all.sh

# three daemons behind nginx on a pg_auto_failover formation, on loopback, until Ctrl-C
cluster: deps
	$(MAKE) BUILD=release all
	deploy/cluster/cluster

# that cluster under faults (a daemon killed, a rolling restart, a failover); make check runs it
cluster-test: deps
	$(MAKE) BUILD=release all
	tests/cluster/run.sh

# rewrite the C files in the .clang-format style
format:
	$(CLANG_FORMAT) -i $(FORMAT_FILES)

# fail, naming the lines, when a C file is not in the .clang-format style (make check runs it)
format-check:
	$(CLANG_FORMAT) --dry-run -Werror $(FORMAT_FILES)

# sql/schema.sql: the schema the migrations build, dumped from a fresh database in a throwaway
# cluster of its own; `make check` fails when the committed file differs
schema: deps
	$(MAKE) BUILD=release all
	tests/sql/dump-schema.sh --write

bench: deps
	tests/bench/run.sh

clean:
	rm -rf build $(VENDOR_OUT)

-include $(OBJ:.o=.d) $(UNIT_BIN:=.d) $(API_BIN:=.d) $(API_SUPPORT_OBJ:.o=.d) $(FUZZ_BIN:=.d)
