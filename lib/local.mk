# lib/: code two or more commands use, as libcalls.a
noinst_LIBRARIES += lib/libcalls.a
lib_libcalls_a_SOURCES = \
	lib/app.c lib/app.h \
	lib/bytes.h \
	lib/exitcode.h \
	lib/hostport.c lib/hostport.h \
	lib/json.c lib/json.h \
	lib/log.c lib/log.h \
	lib/opt.c lib/opt.h \
	lib/prom.c lib/prom.h \
	lib/re_inc.h \
	lib/utf8.h
lib_libcalls_a_SOURCES += lib/stun.c lib/stun.h lib/stunc.c lib/stunc.h
# rtcd WebSocket protocol: codec (the one file including msgpack-c)
lib_libcalls_a_SOURCES += lib/rtcdmsg.c lib/rtcdmsg.h
AM_CPPFLAGS += $(MSGPACK_CFLAGS)
lib_libcalls_a_SOURCES += lib/rtcdc.c lib/rtcdc.h
# WebRTC wire formats: RTP/RTCP, SRTP seam over libre (webrtc-wire)
lib_libcalls_a_SOURCES += lib/rtp.c lib/rtp.h lib/rtcp.c lib/srtp.c lib/srtp.h
# WebRTC security and data channels: DTLS-SRTP, usrsctp + DCEP, rtcd DC
# messages (webrtc-secure; usrsctp and zlib are included only here)
lib_libcalls_a_SOURCES += lib/dtls.c lib/dtls.h lib/sctp.c lib/sctp.h \
	lib/sctp_dcep.c lib/sctp_chan.c lib/sctp_int.h \
	lib/dcmsg.c lib/dcmsg.h
lib_libcalls_a_SOURCES += lib/sdp.c lib/sdp.h lib/sdp_build.c \
	lib/sdp_int.h
