"""The kiosk's QEMU virt machine for tests/image/test_qemu.sh: UEFI (AAVMF),
virtio disk, GPU, keyboard and tablet, the i6300esb watchdog, user
networking (the host is 10.0.2.2), the serial console (root autologin on
the test image) and QMP for screendumps and hard resets.

    python3 qemu_vm.py DIR STEPS.json   runs the steps, logs to DIR/serial.log

A step is a list: ["boot"], ["login", timeout], ["run", cmd, timeout,
regex-that-must-match], ["reset"], ["expect", regex, timeout],
["screendump", png], ["send", text], ["keys", "ctrl-alt-f2"] (pressed
together on the virtio keyboard), ["same", a.ppm, b.ppm, share] (two
screendumps in PPM agree on at least that share of their bytes).
"""
import json, os, re, socket, subprocess, sys, time

DIR = sys.argv[1]
SER, QMP = os.path.join(DIR, "serial.sock"), os.path.join(DIR, "qmp.sock")
LOG = open(os.path.join(DIR, "serial.log"), "ab", buffering=0)
PROMPT = r"(root@sipas-kiosk:[^\n]*|bash-[0-9.]+)# $"
T0 = time.time()


def say(msg):
    print("[%6.1f s] %s" % (time.time() - T0, msg), flush=True)


class VM:
    def __init__(self):
        self.buf = b""
        self.qemu = None
        self.ser = None
        self.qmp = None

    def start(self):
        for p in (SER, QMP):
            if os.path.exists(p):
                os.unlink(p)
        cmd = ["qemu-system-aarch64", "-M", "virt", "-cpu", "max,pauth-impdef=on",
               "-smp", "2", "-m", "1024", "-nodefaults", "-display", "none",
               "-drive", "if=pflash,format=raw,readonly=on,file=/usr/share/AAVMF/AAVMF_CODE.fd",
               "-drive", "if=pflash,format=raw,file=" + os.path.join(DIR, "vars.fd"),
               "-drive", "if=none,id=disk,format=raw,cache=writeback,file=" + os.path.join(DIR, "disk.img"),
               "-device", "virtio-blk-pci,drive=disk",
               "-device", "virtio-gpu-pci,xres=1280,yres=800",
               "-device", "virtio-keyboard-pci", "-device", "virtio-tablet-pci",
               "-device", "i6300esb", "-action", "watchdog=reset",
               "-netdev", "user,id=n0", "-device", "virtio-net-pci,netdev=n0,romfile=",
               "-chardev", "socket,id=ser,path=%s,server=on,wait=on" % SER,
               "-serial", "chardev:ser",
               "-qmp", "unix:%s,server=on,wait=off" % QMP]
        self.qemu = subprocess.Popen(cmd, stdout=LOG, stderr=LOG)
        for _ in range(100):
            if os.path.exists(SER):
                break
            time.sleep(0.1)
        self.ser = socket.socket(socket.AF_UNIX)
        self.ser.connect(SER)
        self.ser.settimeout(1)
        for _ in range(100):
            try:
                self.qmp = socket.socket(socket.AF_UNIX)
                self.qmp.connect(QMP)
                break
            except OSError:
                time.sleep(0.1)
        self.qmp_file = self.qmp.makefile("rwb")
        self.qmp_file.readline()
        self.command("qmp_capabilities")

    def command(self, name, **args):
        self.qmp_file.write(json.dumps({"execute": name, "arguments": args}).encode() + b"\n")
        self.qmp_file.flush()
        while True:
            r = json.loads(self.qmp_file.readline())
            if "return" in r or "error" in r:
                if "error" in r:
                    raise RuntimeError("%s: %s" % (name, r["error"]))
                return r["return"]

    def read(self):
        try:
            data = self.ser.recv(65536)
        except socket.timeout:
            return
        if not data:
            raise RuntimeError("serial closed: the machine stopped")
        LOG.write(data)
        self.buf += data

    def expect(self, regex, timeout):
        rx = re.compile(regex.encode(), re.M)
        end = time.time() + timeout
        while time.time() < end:
            m = rx.search(self.buf)
            if m:
                out, self.buf = self.buf[:m.end()], self.buf[m.end():]
                return m, out
            if self.qemu.poll() is not None:
                raise RuntimeError("qemu exited: %s" % self.qemu.returncode)
            self.read()
        raise TimeoutError("no %r within %d s; last output: %r" % (regex, timeout, self.buf[-600:]))

    def send(self, text):
        self.ser.sendall(text.encode())

    def login(self, timeout):
        self.expect(PROMPT, timeout)
        # no echo, no colours, no bracketed paste: lines as commands print them
        self.send("stty -echo cols 200; bind 'set enable-bracketed-paste off'; "
                  "export TERM=dumb SYSTEMD_PAGER= SYSTEMD_COLORS=0 SYSTEMD_URLIFY=0\n")
        self.expect(PROMPT, 60)

    def run(self, cmd, timeout, must=None):
        self.buf = b""
        self.send("echo @@BEGIN; ( %s ) 2>&1; echo \"@@END $?\"\n" % cmd)
        self.expect(r"@@BEGIN\r?$", 60)
        m, out = self.expect(r"@@END (\d+)\r?$", timeout)
        text = out[:m.start()].decode(errors="replace").replace("\r", "").strip()
        rc = int(m.group(1))
        if must is not None and not re.search(must, text, re.M):
            raise AssertionError("%s: exit %d, output:\n%s\n(expected %r)" % (cmd, rc, text, must))
        return rc, text


def main():
    steps = json.load(open(sys.argv[2]))
    vm = VM()
    try:
        for step in steps:
            kind = step[0]
            t = time.time()
            if kind == "boot":
                vm.start()
            elif kind == "login":
                vm.login(step[1])
            elif kind == "run":
                rc, text = vm.run(step[1], step[2], step[3] if len(step) > 3 else None)
                say("$ %s\n%s" % (step[1], text))
                continue
            elif kind == "reset":
                vm.command("system_reset")
                vm.buf = b""
            elif kind == "expect":
                vm.expect(step[1], step[2])
            elif kind == "screendump":
                vm.command("screendump", filename=step[1],
                           format="ppm" if step[1].endswith(".ppm") else "png")
            elif kind == "send":
                vm.send(step[1])
            elif kind == "keys":
                vm.command("send-key", keys=[{"type": "qcode", "data": k}
                                             for k in step[1].split("-")])
                time.sleep(0.5)
            elif kind == "same":
                a, b = open(step[1], "rb").read(), open(step[2], "rb").read()
                n = min(len(a), len(b))
                share = sum(1 for i in range(0, n, 3) if a[i:i + 3] == b[i:i + 3]) / (n / 3)
                if len(a) != len(b) or share < step[3] or not any(b[64:]):
                    raise AssertionError("%s and %s differ: %.3f alike" % (step[1], step[2], share))
                say("same %s %s: %.3f alike" % (step[1], step[2], share))
                continue
            say("%s %s (%.0f s)" % (kind, " ".join(str(s) for s in step[1:2]), time.time() - t))
    except Exception as e:
        say("FAIL: %s" % e)
        return 1
    finally:
        if vm.qemu and vm.qemu.poll() is None:
            vm.qemu.terminate()
            vm.qemu.wait(10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
