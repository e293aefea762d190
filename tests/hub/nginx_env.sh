# tests/hub/nginx_env.sh - nginx as an ordinary process of the test's
# own, to source after tests/hub/lib.sh.
#
#   nginx_env_start SNIPPET PORT...   # SNIPPET: an http-block file such
#                                     # as firmware/etc/nginx/sipas-hub-pg.conf
#   rc=$?; [ $rc = 2 ] && exit 0      # skipped: the message says why
#   ... "$NGINX_URL" ...              # http://127.0.0.1:FREE_PORT
#   nginx_env_stop
#
# The snippet is used as shipped, with three changes: its upstream's
# server lines name PORT... in order (one line per port, the first
# line's parameters kept), its listen line is a free loopback port in
# plain HTTP, and its ssl_ lines are dropped. nginx runs in the
# foreground (-p, a prefix under $T) with its temporary files, pid and
# logs there: no system service, nothing outside $T. As root its worker
# runs as root too (the default "nobody" could not write $T).
#
# Returns 0 with NGINX_URL and NGINX_PID set; 2 when nginx is missing
# (make deps-test installs nginx-light); 1 on any other failure, the
# error log shown.

NGINX_BIN=${NGINX_BIN:-$(command -v nginx || echo /usr/sbin/nginx)}
NGINX_PID=
NGINX_URL=

nginx_env_stop() {
  if [ -n "$NGINX_PID" ]; then
    kill -TERM "$NGINX_PID" 2>/dev/null || true
    wait "$NGINX_PID" 2>/dev/null || true
  fi
  NGINX_PID=
}

nginx_env_start() {
  local snippet=$1 dir=$T/nginx port first i
  shift
  [ -x "$NGINX_BIN" ] || { echo "skip: no nginx (make deps-test installs nginx-light)"; return 2; }
  mkdir -p "$dir/tmp" || return 1
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])') || return 1
  first=$(grep -m1 -E '^[[:space:]]*server 127\.0\.0\.1:[0-9]+' "$snippet" | sed -E 's/^[[:space:]]*server 127\.0\.0\.1:[0-9]+//')
  [ -n "$first" ] || { echo "nginx_env: no upstream server line in $snippet" >&2; return 1; }
  {
    awk -v ports="$*" -v params="$first" '
      /^[[:space:]]*server 127\.0\.0\.1:[0-9]+/ {
        if (!done) { n = split(ports, p, " "); for (i = 1; i <= n; i++) print "    server 127.0.0.1:" p[i] params; done = 1 }
        next
      }
      /^[[:space:]]*listen / { print "    listen 127.0.0.1:'"$port"';"; next }
      /^[[:space:]]*ssl_/ { next }
      { print }' "$snippet"
  } > "$dir/site.conf" || return 1
  {
    [ "$(id -u)" = 0 ] && echo "user root;"
    cat <<CONF
daemon off;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 256; }
http {
    access_log $dir/access.log;
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    include $dir/site.conf;
}
CONF
  } > "$dir/nginx.conf" || return 1
  "$NGINX_BIN" -t -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" > "$dir/test.log" 2>&1 ||
    { echo "nginx_env: the configuration is refused:" >&2; cat "$dir/test.log" >&2; return 1; }
  "$NGINX_BIN" -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" 2>> "$dir/error.log" &
  NGINX_PID=$!
  NGINX_URL="http://127.0.0.1:$port"
  for ((i = 0; i < 100; i++)); do
    if python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2)' "$port" 2>/dev/null; then
      return 0
    fi
    kill -0 "$NGINX_PID" 2>/dev/null || break
    sleep 0.05
  done
  echo "nginx_env: nginx did not start:" >&2; cat "$dir/error.log" >&2
  nginx_env_stop; return 1
}
