package ipvsadm

import (
	"fmt"
	"strconv"
)

// services is the part of /etc/services that LVS configurations use: the
// converter must not depend on the converting machine's own file.
var services = map[string]uint16{
	"ftp-data": 20, "ftp": 21, "ssh": 22, "telnet": 23, "smtp": 25, "domain": 53, "dns": 53,
	"tftp": 69, "http": 80, "www": 80, "www-http": 80, "pop3": 110, "ntp": 123, "imap": 143,
	"imap2": 143, "snmp": 161, "ldap": 389, "https": 443, "syslog": 514, "submission": 587,
	"ldaps": 636, "imaps": 993, "pop3s": 995, "openvpn": 1194, "mysql": 3306, "rdp": 3389,
	"ms-wbt-server": 3389, "squid": 3128, "sip": 5060, "postgresql": 5432, "postgres": 5432,
	"redis": 6379, "http-alt": 8080, "webcache": 8080, "memcache": 11211,
}

// PortNumber reads a port given as a number or a service name.
func PortNumber(s string) (uint16, error) {
	if n, err := strconv.ParseUint(s, 10, 16); err == nil {
		return uint16(n), nil
	}
	if p, ok := services[s]; ok {
		return p, nil
	}
	return 0, fmt.Errorf("unknown port %q: give the port number", s)
}

// names are the names the converter gives services by port.
var names = map[uint16]string{
	21: "ftp", 22: "ssh", 25: "smtp", 53: "dns", 80: "http", 110: "pop3", 123: "ntp", 143: "imap",
	389: "ldap", 443: "https", 587: "submission", 636: "ldaps", 993: "imaps", 995: "pop3s",
	3306: "mysql", 3389: "rdp", 5432: "postgresql", 6379: "redis", 8080: "http-alt", 11211: "memcache",
}

// PortName is the usual name of a port, "" when it has none in the table.
func PortName(p uint16) string { return names[p] }
