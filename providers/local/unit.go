package local

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/lvsctl/lvsctl/internal/atomicfile"
)

// BootRootEnv redirects where the boot unit is installed (a directory
// standing for /), so that tests and labs never touch the machine's /etc.
const BootRootEnv = "LVSCTL_BOOT_ROOT"

// Paths of the boot unit, relative to the root.
const (
	UnitPath       = "etc/systemd/system/lvsctl.service"
	UnitWantsPath  = "etc/systemd/system/multi-user.target.wants/lvsctl.service"
	InitScriptPath = "etc/init.d/lvsctl"
)

// Unit is the machine's boot unit: a systemd service where systemd runs,
// else a SysV init script, either running `lvsctl boot` from a fixed path.
type Unit struct {
	// Root stands for / ("" is /).
	Root string
	// RecordDir is the record directory `lvsctl boot` reads.
	RecordDir string
	// Binary is the fixed path of the lvsctl the unit runs.
	Binary string
}

func (u Unit) path(rel string) string {
	root := u.Root
	if root == "" {
		root = "/"
	}
	return filepath.Join(root, rel)
}

// own reports whether the unit is for the machine's own /etc, where the
// init system's tools may be run.
func (u Unit) own() bool { return u.Root == "" || filepath.Clean(u.Root) == "/" }

// Systemd reports whether systemd runs the machine (sd_booted(3)).
func (u Unit) Systemd() bool {
	st, err := os.Stat(u.path("run/systemd/system"))
	return err == nil && st.IsDir()
}

// env is the environment `lvsctl boot` needs: the record directory when
// it is not the default one.
func (u Unit) env() string {
	if filepath.Clean(u.RecordDir) == DefaultRecordDir {
		return ""
	}
	return RecordDirEnv + "=" + u.RecordDir
}

// ServiceFile is the systemd unit. It runs early, before the network is
// announced up (network-online.target), after modules and sysctl.conf are
// loaded (so sysctl.conf does not undo the ARP settings afterwards), with
// no default dependencies (those would order it after basic.target).
func (u Unit) ServiceFile() string {
	var env string
	if e := u.env(); e != "" {
		env = "Environment=" + e + "\n"
	}
	return `# Written by lvsctl apply; removed by lvsctl destroy of the last cluster here.
[Unit]
Description=lvsctl: restore the LVS state applied last (ARP settings, VIPs, routes, IPVS services)
Documentation=man:lvsctl-boot(1) https://github.com/lvsctl/lvsctl#lvsctl-boot
DefaultDependencies=no
Wants=network-pre.target
After=local-fs.target systemd-modules-load.service systemd-sysctl.service network-pre.target
Before=network-online.target shutdown.target
Conflicts=shutdown.target

[Service]
Type=oneshot
RemainAfterExit=yes
` + env + `ExecStartPre=-/sbin/modprobe -q ip_vs
ExecStart=` + u.Binary + ` boot

[Install]
WantedBy=multi-user.target
`
}

// InitScript is the SysV init script, for machines without systemd: the
// LSB header starts it before $network (insserv, update-rc.d), the
// chkconfig line before the network script's 10 (chkconfig).
func (u Unit) InitScript() string {
	var env string
	if e := u.env(); e != "" {
		env = "export " + e + "\n"
	}
	return `#!/bin/sh
# Written by lvsctl apply; removed by lvsctl destroy of the last cluster here.
# chkconfig: 2345 09 91
# description: restore the LVS state lvsctl applied last
### BEGIN INIT INFO
# Provides:          lvsctl
# Required-Start:    $local_fs
# Required-Stop:     $local_fs
# X-Start-Before:    $network
# Default-Start:     S
# Default-Stop:
# Short-Description: restore the LVS state lvsctl applied last
# Description:       ARP settings, VIPs, routes and IPVS services, as the
#                    last lvsctl apply left them, before the network is up.
### END INIT INFO
` + env + `case "$1" in
start|restart|reload|force-reload)
	modprobe -q ip_vs 2>/dev/null
	exec ` + u.Binary + ` boot
	;;
stop|status)
	exit 0
	;;
*)
	echo "Usage: $0 {start|stop|restart|reload|force-reload|status}" >&2
	exit 3
	;;
esac
`
}

// Install writes the unit (or the init script) and enables it, where it
// differs from what is there.
func (u Unit) Install() error {
	if u.Systemd() {
		changed, err := writeIfChanged(u.path(UnitPath), u.ServiceFile(), 0o644)
		if err != nil {
			return fmt.Errorf("install the boot unit: %w", err)
		}
		link := u.path(UnitWantsPath)
		if target, err := os.Readlink(link); err != nil || target != "../lvsctl.service" {
			if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
				return fmt.Errorf("enable the boot unit: %w", err)
			}
			_ = os.Remove(link)
			if err := os.Symlink("../lvsctl.service", link); err != nil {
				return fmt.Errorf("enable the boot unit: %w", err)
			}
			changed = true
		}
		if changed {
			u.run("systemctl", "daemon-reload")
		}
		return nil
	}
	changed, err := writeIfChanged(u.path(InitScriptPath), u.InitScript(), 0o755)
	if err != nil {
		return fmt.Errorf("install the boot script: %w", err)
	}
	if changed {
		if !u.run("update-rc.d", "lvsctl", "defaults") {
			u.run("chkconfig", "--add", "lvsctl")
		}
	}
	return nil
}

// Remove takes the unit and the init script away, whichever are there.
func (u Unit) Remove() error {
	var errs []error
	if _, err := os.Stat(u.path(InitScriptPath)); err == nil && !u.Systemd() {
		if !u.run("update-rc.d", "-f", "lvsctl", "remove") {
			u.run("chkconfig", "--del", "lvsctl")
		}
	}
	removed := false
	for _, rel := range []string{UnitWantsPath, UnitPath, InitScriptPath} {
		err := os.Remove(u.path(rel))
		switch {
		case err == nil:
			removed = true
		case !errors.Is(err, fs.ErrNotExist):
			errs = append(errs, fmt.Errorf("remove the boot unit: %w", err))
		}
	}
	if removed && u.Systemd() {
		u.run("systemctl", "daemon-reload")
	}
	return errors.Join(errs...)
}

// run runs an init system's tool on the machine's own /etc, if it is
// there, and reports whether it ran and succeeded. Under another root it
// runs nothing: the tools would act on the machine's /etc.
func (u Unit) run(name string, args ...string) bool {
	if !u.own() {
		return false
	}
	p, err := exec.LookPath(name)
	if err != nil {
		return false
	}
	return exec.Command(p, args...).Run() == nil
}

// writeIfChanged writes content to path atomically unless it is there
// already, and reports whether it wrote.
func writeIfChanged(path, content string, perm fs.FileMode) (bool, error) {
	if b, err := os.ReadFile(path); err == nil && string(b) == content {
		if st, err := os.Stat(path); err == nil && st.Mode().Perm() == perm {
			return false, nil
		}
	}
	return true, atomicfile.Write(path, []byte(content), perm)
}
