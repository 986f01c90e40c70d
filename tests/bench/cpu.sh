# cpu (sourced by run.sh): where a measured run's processor time went, in clock ticks: the whole
# machine's busy time, the server's (its process, its live children and those it has reaped:
# nginx's workers), and the PostgreSQL cluster's (the postmaster, its backends and the backends
# it has reaped: pgbench's connections end before the run's last sample). What is left of the
# machine's time is the load generator's (wrk or pgbench) and the kernel's work outside them.

# The ticks of PID and of the children it has reaped.
proc_ticks() {
  local stat
  stat=$(cat "/proc/$1/stat" 2> /dev/null) || { echo 0; return; }
  # fields after "pid (comm) ": state ppid ... utime (12th) stime cutime cstime
  set -- ${stat##*) }
  echo "$(( ${12} + ${13} + ${14} + ${15} ))"
}

# The ticks of PID's process tree: PID with everything it reaped, and its live children likewise.
tree_ticks() {
  local root=$1 total child
  [ -n "$root" ] && [ -d "/proc/$root" ] || { echo 0; return; }
  total=$(proc_ticks "$root")
  for child in $(ps -o pid= --ppid "$root"); do
    total=$(( total + $(proc_ticks "$child") ))
  done
  echo "$total"
}

# The machine's busy ticks over every processor (user, nice, system, irq, softirq, steal).
busy_ticks() {
  local label user nice system idle iowait irq softirq steal rest
  read -r label user nice system idle iowait irq softirq steal rest < /proc/stat
  echo "$(( user + nice + system + irq + softirq + steal ))"
}

# cpu_sample SERVER_PID POSTMASTER_PID: "busy server postgres" now (SERVER_PID may be empty:
# pgbench's runs have no server).
cpu_sample() {
  echo "$(busy_ticks) $(tree_ticks "$1") $(tree_ticks "$2")"
}

# pg_children POSTMASTER_PID: how many children the postmaster has now.
pg_children() {
  ps -o pid= --ppid "$1" | wc -l
}

# pg_settle POSTMASTER_PID COUNT: waits (5 s at most) until the postmaster has COUNT children
# again: the backends of a client that has just ended exit, and are reaped (their time moves to
# the postmaster's reaped children's), a moment after it.
pg_settle() {
  local i
  for i in $(seq 500); do
    [ "$(pg_children "$1")" -le "$2" ] && return 0
    sleep 0.01
  done
}

# cpu_record BEFORE AFTER SERVER ENDPOINT CONNECTIONS: one results line of the ticks between two
# samples.
cpu_record() {
  local b1 s1 p1 b2 s2 p2
  read -r b1 s1 p1 <<< "$1"
  read -r b2 s2 p2 <<< "$2"
  printf '{"kind":"cpu","server":"%s","endpoint":"%s","connections":%d,"tick_hz":%d,"busy":%d,"server_ticks":%d,"postgres_ticks":%d}\n' \
    "$3" "$4" "$5" "$(getconf CLK_TCK)" "$(( b2 - b1 ))" "$(( s2 - s1 ))" "$(( p2 - p1 ))"
}
