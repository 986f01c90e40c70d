-- plain: the URL given to wrk as it is (list, search, static file), reported by report.lua.

dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")
