# lib/: code two or more commands use, as libcalls.a
noinst_LIBRARIES += lib/libcalls.a
lib_libcalls_a_SOURCES = \
	lib/app.c lib/app.h \
	lib/exitcode.h \
	lib/hostport.c lib/hostport.h \
	lib/json.c lib/json.h \
	lib/log.c lib/log.h \
	lib/opt.c lib/opt.h \
	lib/re_inc.h
