/// The text of `udev/70-keybridge-fido.rules`, printed by `keybridge udev-rules`.
///
/// A test compares it byte for byte with the file, so the two cannot drift: edit both together.
enum UdevRules {
    /// The file name the rules are installed under.
    static let fileName = "70-keybridge-fido.rules"

    /// The rules file, ending in a line feed.
    static let text = """
    # KeyBridge: access to FIDO security keys (hidraw) for the logged-in user and the "plugdev" group.
    #
    # Install: sudo cp 70-keybridge-fido.rules /etc/udev/rules.d/
    #          sudo udevadm control --reload-rules && sudo udevadm trigger
    # (or: keybridge udev-rules | sudo tee /etc/udev/rules.d/70-keybridge-fido.rules)
    #
    # systemd's 60-fido-id.rules already sets ID_FIDO_TOKEN=1 on hidraw nodes whose report descriptor declares
    # the FIDO usage page (0xF1D0); the rules below reuse it where present, and add vendor/product matches for
    # systems without it. TAG+="uaccess" reaches only the user at the active seat; GROUP/MODE give services
    # and CI runners access through membership of the "plugdev" group.

    ACTION=="remove", GOTO="keybridge_fido_end"
    SUBSYSTEM!="hidraw", GOTO="keybridge_fido_end"

    # Any key that systemd recognised by its FIDO usage page.
    ENV{ID_FIDO_TOKEN}=="1", TAG+="uaccess", GROUP="plugdev", MODE="0660"

    # Yubico (all YubiKeys and Security Keys).
    KERNELS=="*:1050:*", TAG+="uaccess", GROUP="plugdev", MODE="0660"
    # Feitian ePass FIDO and BioPass.
    KERNELS=="*:096E:*", TAG+="uaccess", GROUP="plugdev", MODE="0660"
    # Google Titan Security Key.
    KERNELS=="*:18D1:5026*", TAG+="uaccess", GROUP="plugdev", MODE="0660"
    # SoloKeys Solo 1.
    KERNELS=="*:0483:A2CA*", TAG+="uaccess", GROUP="plugdev", MODE="0660"
    # SoloKeys Solo 1 (pid.codes) and Solo 2.
    KERNELS=="*:1209:5070*", TAG+="uaccess", GROUP="plugdev", MODE="0660"
    KERNELS=="*:1209:BEEE*", TAG+="uaccess", GROUP="plugdev", MODE="0660"
    # Nitrokey FIDO U2F, Nitrokey FIDO2 and Nitrokey 3.
    KERNELS=="*:20A0:4287*", TAG+="uaccess", GROUP="plugdev", MODE="0660"
    KERNELS=="*:20A0:42B1*", TAG+="uaccess", GROUP="plugdev", MODE="0660"
    KERNELS=="*:20A0:42B2*", TAG+="uaccess", GROUP="plugdev", MODE="0660"
    KERNELS=="*:20A0:42B3*", TAG+="uaccess", GROUP="plugdev", MODE="0660"
    # Token2.
    KERNELS=="*:349E:*", TAG+="uaccess", GROUP="plugdev", MODE="0660"
    # Thetis FIDO2 and Thetis U2F (Bluetooth/USB).
    KERNELS=="*:1EA8:F025*", TAG+="uaccess", GROUP="plugdev", MODE="0660"
    KERNELS=="*:1EA8:FC25*", TAG+="uaccess", GROUP="plugdev", MODE="0660"

    LABEL="keybridge_fido_end"

    """
}
