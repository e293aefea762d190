// SPDX-License-Identifier: GPL-2.0
/*
 * sipas-tryboot: passes the Raspberry Pi firmware's one-shot "tryboot"
 * flag on a reboot whose argument says so (systemctl reboot "0 tryboot").
 *
 * Debian's kernel has the firmware's mailbox driver (raspberrypi.c, built
 * in) but not the Raspberry Pi kernel's reboot hook that sends the flag:
 * without it such a reboot is an ordinary one and the firmware never reads
 * autoboot.txt's [tryboot] section. This module adds that hook: a reboot
 * notifier that, on a restart whose command has the word "tryboot", sets
 * the firmware's reboot flags to 1 (property tag SET_REBOOT_FLAGS) before
 * the devices shut down. Other reboots leave the flags as they are.
 *
 * Where there is no Raspberry Pi firmware node in the device tree (QEMU,
 * other boards) loading fails with -ENODEV and one line in the log.
 */
#define pr_fmt(fmt) "sipas-tryboot: " fmt

#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/of.h>
#include <linux/reboot.h>
#include <linux/string.h>
#include <soc/bcm2835/raspberrypi-firmware.h>

/* Property tags of the firmware's mailbox interface (not in Debian's 6.1
 * header): reading and writing the flags the next boot starts with. */
#define SIPAS_FW_GET_REBOOT_FLAGS 0x00030064
#define SIPAS_FW_SET_REBOOT_FLAGS 0x00038064
/* Bit 0: the next boot is a trial one (tryboot.txt, autoboot.txt's
 * [tryboot]); the firmware clears it at that boot. */
#define SIPAS_FW_REBOOT_FLAG_TRYBOOT 0x1

static struct device_node *fw_node;

/* Whether the flag was armed by this kernel (read-only parameter). */
static bool armed;
module_param(armed, bool, 0444);
MODULE_PARM_DESC(armed, "the tryboot flag was passed to the firmware for the next boot");

/* Whether CMD, words separated by spaces ("0 tryboot"), has WORD. */
static bool has_word(const char *cmd, const char *word)
{
	size_t n = strlen(word);

	while (cmd && *cmd) {
		size_t len;

		cmd = skip_spaces(cmd);
		len = strcspn(cmd, " \t\n");
		if (len == n && !strncmp(cmd, word, n))
			return true;
		cmd += len;
	}
	return false;
}

static int sipas_tryboot_reboot(struct notifier_block *nb, unsigned long action,
				void *data)
{
	const char *cmd = data;
	struct rpi_firmware *fw;
	u32 flags = SIPAS_FW_REBOOT_FLAG_TRYBOOT;
	u32 now = 0;
	int ret;

	if (action != SYS_RESTART || !has_word(cmd, "tryboot"))
		return NOTIFY_DONE;

	fw = rpi_firmware_get(fw_node);
	if (!fw) {
		pr_err("firmware not available: tryboot flag NOT armed, the next boot is the primary slot\n");
		return NOTIFY_DONE;
	}
	ret = rpi_firmware_property(fw, SIPAS_FW_SET_REBOOT_FLAGS, &flags, sizeof(flags));
	if (ret) {
		pr_err("firmware refused the reboot flags (%d): tryboot flag NOT armed\n", ret);
	} else {
		armed = true;
		if (rpi_firmware_property(fw, SIPAS_FW_GET_REBOOT_FLAGS, &now, sizeof(now)))
			pr_info("tryboot flag armed for the next boot\n");
		else if (now & SIPAS_FW_REBOOT_FLAG_TRYBOOT)
			pr_info("tryboot flag armed for the next boot (firmware reboot flags %#x)\n", now);
		else
			pr_warn("tryboot flag sent, but the firmware reads back reboot flags %#x: it may not try the other slot\n", now);
	}
	rpi_firmware_put(fw);
	return NOTIFY_DONE;
}

static struct notifier_block sipas_tryboot_nb = {
	.notifier_call = sipas_tryboot_reboot,
};

static int __init sipas_tryboot_init(void)
{
	int ret;

	fw_node = of_find_compatible_node(NULL, NULL, "raspberrypi,bcm2835-firmware");
	if (!fw_node) {
		pr_info("no Raspberry Pi firmware on this machine, not loaded\n");
		return -ENODEV;
	}
	ret = register_reboot_notifier(&sipas_tryboot_nb);
	if (ret) {
		of_node_put(fw_node);
		return ret;
	}
	pr_info("loaded: a reboot with \"tryboot\" arms the firmware's tryboot flag\n");
	return 0;
}

static void __exit sipas_tryboot_exit(void)
{
	unregister_reboot_notifier(&sipas_tryboot_nb);
	of_node_put(fw_node);
}

module_init(sipas_tryboot_init);
module_exit(sipas_tryboot_exit);

MODULE_DESCRIPTION("Raspberry Pi firmware tryboot flag on reboot \"0 tryboot\"");
MODULE_LICENSE("GPL");
