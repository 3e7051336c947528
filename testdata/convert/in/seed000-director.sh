iptables -F ;setenf orce 0清空防火墙策略,关闭selinux策略
ifconfig ens33:0 172.17.253.100 broadcast 172.17.253.100 netmask 255.255.255.255 up #配置VIP到本地网卡别名ens33:0上(vip地址可以是随意的),并且只广播自己,否则,将来会和后端服务器上回环网卡上配置的vip冲突,所以在后端服务器上配置的vip也只广播自己
route add -host 172.17.253.100 dev ens33:0 #配置vip路由
ipvsadm -A -t 172.17.253.100:80 -s wrr #开启一个基于80端口的虚拟web服务,调度方式为wrr
ipvsadm -a -t 172.17.253.100:80 -r 172.17.253.132:80 -g -w 1 #配置web服务后端real server 为DR工作方式 权重为1
ipvsadm -a -t 172.17.253.100:80 -r 172.17.253.253:80 -g -w 1
sysctl -p 使修改的内核配置参数生效
