"""The actions of the integration, registered once for every camera (`async_setup_actions`).

    common.py      every field and ATTR_*, the target (camera entry, disk), the admin gate
    guard.py       the guarded sequence every action runs, from a declaration (`@action`)
    export.py      export_clip, export_clip_to_usb (usb.py: the camera's USB jobs)
    disk.py        format, check, repair, mount, unmount, lock, unlock
    share.py       add, test, bind, unbind, modify, remove a network share
    encryption.py  enable, disable disk encryption; change the passphrase
    recording.py   start, stop, remove recordings; continuous recording profiles

Every action answers with the camera's `device_id`, also when it targets a disk's device.

The admin gate. Every action and setting entity that can delete, stop or redirect recordings,
or send credentials elsewhere, is refused to a Home Assistant user who is not an administrator,
with a translated `Unauthorized` (`AdminRequired`), before the camera is asked anything. A call
without a user (an automation's trigger, the system) may. `common.async_check_admin` is the one
gate; actions reach it through their declaration (`admin`, the default), entities with their
service call's context.

    action / entity                 who   why
    format_disk, repair_disk        admin erases or rewrites recordings (+ confirm)
    mount_disk                      admin with a required file system the camera formats it
    unmount_disk                    admin recording stops
    lock_disk                       admin ongoing recordings stop
    unlock_disk                     admin the card's recordings become deletable (cleanup,
                                          format; a required file system formats it on mount)
    check_disk                      all   reads only (and only on an unmounted disk)
    enable_disk_encryption          admin a format follows (+ confirm, not on a locked disk)
    disable_disk_encryption         admin encrypted recordings unreadable (+ confirm, lock)
    change_disk_passphrase          admin replaces the key the recordings are read with
    add/modify_network_share        admin credentials to an address; the share's recordings
    test_network_share              admin sends (stored) credentials to an address
    bind/unbind_network_share       admin redirects recordings to / stops them on a share
    remove_network_share            admin deletes the share's settings (+ confirm)
    start_recording                 all   adds a recording; deletes, stops, redirects nothing
    stop_recording                  admin recording stops
    remove_recording                admin deletes video (+ confirm)
    add_continuous_recording        admin standing configuration: records round the clock, so
                                          fifo cleanup deletes older recordings sooner
    remove_continuous_recording     admin continuous recording stops
    number cleanup max age          admin the camera deletes older recordings
    number recording storage limit  admin a lower limit deletes or stops recordings
    select cleanup policy           admin fifo deletes, none lets a full disk stop recording
    select required file system     admin a card of another file system is formatted on mount
    number wear/temperature alert   all   when the camera warns; nothing is deleted or stopped
    export_clip, export_clip_to_usb all   copies; reading stays open (export.py)
"""

from __future__ import annotations

from homeassistant.core import HomeAssistant

from . import disk, encryption, export, recording, share
from .guard import GuardedAction

ACTIONS: tuple[GuardedAction, ...] = (
    *export.ACTIONS,
    *disk.ACTIONS,
    *share.ACTIONS,
    *encryption.ACTIONS,
    *recording.ACTIONS,
)


def async_setup_actions(hass: HomeAssistant) -> None:
    """Register every action of the integration (once, for every camera)."""
    for declared in ACTIONS:
        declared.register(hass)
