ipvsadm -A -t 10.54.0.100:25 -s lc
ipvsadm -a -t 10.54.0.100:25 -r 10.54.0.11:25 -m
ipvsadm -a -t 10.54.0.100:25 -r 10.54.0.12:25 -m
echo 1 > /proc/sys/net/ipv4/ip_forward
