#!/usr/bin/env python3
"""End-to-end journey through the example relying party in headless Chromium.

Drives the real pages through WebDriver with Chromium's virtual authenticator (as Tests/Browser does for the
verifier), reads text-message codes from the server's development outbox and computes authenticator-app codes
from the secret the page shows. Every step saves a screenshot.

Usage: journey.py BASE_URL SCREENSHOT_DIR
Prints one line per check and exits 1 when any check fails.
"""
import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import struct
import sys
import time
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.virtual_authenticator import (
    Credential, Protocol, Transport, VirtualAuthenticatorOptions)
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

WRONG_CODE_MESSAGE = "Code is not valid. Try again, or view troubleshooting tips"


class JourneyFailure(Exception):
    pass


class Journey:
    def __init__(self, base, shots):
        self.base = base.rstrip("/")
        self.shots = shots
        self.step = 0
        self.passed = 0
        self.failed = 0
        self.last_totp_step = None
        self.completed = False
        opts = webdriver.ChromeOptions()
        for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--window-size=1280,900", "--force-device-scale-factor=1", "--lang=en-GB"):
            opts.add_argument(arg)
        for candidate in ("/usr/bin/chromium", "/usr/bin/chromium-browser"):
            if os.path.exists(candidate):
                opts.binary_location = candidate
        driver_path = next(
            (p for p in ("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver") if os.path.exists(p)), None)
        self.driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=opts)
        self.driver.set_script_timeout(30)
        self.wait = WebDriverWait(self.driver, 15)

    # MARK: - Checks and screenshots

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print(f"ok    {name}", flush=True)
        else:
            self.failed += 1
            print(f"FAIL  {name}: {detail}", flush=True)
            self.shot("failure-" + re.sub(r"[^a-z0-9]+", "-", name.lower()))
            raise JourneyFailure(name)

    def shot(self, name):
        self.step += 1
        path = os.path.join(self.shots, f"{self.step:02d}-{name}.png")
        height = self.driver.execute_script(
            "return Math.max(document.documentElement.scrollHeight, document.body ? document.body.scrollHeight : 0)")
        self.driver.set_window_size(1280, max(900, min(int(height) + 140, 2400)))
        time.sleep(0.15)
        self.driver.save_screenshot(path)
        self.driver.set_window_size(1280, 900)

    # MARK: - Page helpers

    def go(self, path):
        self.driver.get(self.base + path)

    def at(self, path, timeout=15):
        try:
            WebDriverWait(self.driver, timeout).until(lambda d: d.current_url.split("?")[0] == self.base + path)
            return True
        except TimeoutException:
            return False

    def el(self, element_id):
        return self.wait.until(EC.visibility_of_element_located((By.ID, element_id)))

    def click(self, element_id):
        self.wait.until(EC.element_to_be_clickable((By.ID, element_id))).click()

    def type(self, element_id, text):
        field = self.el(element_id)
        field.clear()
        field.send_keys(text)

    def alert_text(self, element_id):
        try:
            WebDriverWait(self.driver, 15).until(
                lambda d: d.find_element(By.ID, element_id).is_displayed()
                and d.find_element(By.ID, element_id).text.strip() != "")
        except TimeoutException:
            return ""
        return self.driver.find_element(By.ID, element_id).text.strip()

    def settle(self):
        """Waits for pending fetches: every button enabled again."""
        time.sleep(0.3)
        WebDriverWait(self.driver, 15).until(
            lambda d: d.execute_script("return [...document.querySelectorAll('button')].every(b => !b.disabled)"))

    # MARK: - Outbox and codes

    def outbox(self):
        with urllib.request.urlopen(self.base + "/api/dev/outbox", timeout=10) as response:
            return json.load(response)

    def sms_code(self, to, after_id=None):
        """The code of the newest text to `to` that is newer than `after_id`."""
        deadline = time.time() + 10
        while time.time() < deadline:
            for message in self.outbox()["sms"]:
                if message["to"] == to:
                    if message["id"] != after_id:
                        found = re.search(r"\b(\d{6})\b", message["body"])
                        if found:
                            return found.group(1), message["id"]
                    break
            time.sleep(0.2)
        raise JourneyFailure(f"no new text message to {to}")

    def latest_sms_id(self, to):
        for message in self.outbox()["sms"]:
            if message["to"] == to:
                return message["id"]
        return None

    def totp(self, secret_text):
        """A fresh TOTP code (RFC 6238, SHA-1, 6 digits, 30 s), never for a step used before."""
        text = secret_text.replace(" ", "").replace("-", "").upper()
        secret = base64.b32decode(text + "=" * (-len(text) % 8))
        step = int(time.time()) // 30
        if self.last_totp_step is not None and step <= self.last_totp_step:
            time.sleep((self.last_totp_step + 1) * 30 - time.time() + 0.5)
            step = int(time.time()) // 30
        self.last_totp_step = step
        digest = hmac.new(secret, struct.pack(">Q", step), hashlib.sha1).digest()
        offset = digest[-1] & 0x0F
        value = (struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
        return f"{value:06d}"

    def totp_secret_on_page(self):
        self.wait.until(lambda d: d.find_element(By.ID, "totp-secret").text.strip() != "")
        return self.driver.find_element(By.ID, "totp-secret").text.strip()

    # MARK: - Authenticators

    def add_authenticator(self):
        options = VirtualAuthenticatorOptions()
        options.protocol = Protocol.CTAP2
        options.transport = Transport.USB
        options.has_resident_key = True
        options.has_user_verification = True
        options.is_user_verified = True
        options.is_user_consenting = True
        self.driver.add_virtual_authenticator(options)

    # MARK: - Flows

    def sign_in(self, username, password):
        self.go("/signin/")
        self.type("username", username)
        self.type("password", password)
        self.click("signin-submit")

    def sign_out(self):
        self.click("sign-out")
        self.check("sign-out returns to the sign-in page", self.at("/signin/"))

    def set_remember(self, remember):
        box = self.el("remember-device")
        if box.is_selected() != remember:
            box.click()

    def use_other_method(self, kind):
        self.click("use-another")
        self.wait.until(EC.element_to_be_clickable(
            (By.CSS_SELECTOR, f"#other-methods button[data-kind='{kind}']"))).click()

    def method_rows(self):
        return self.driver.find_elements(By.CSS_SELECTOR, "#method-list li")

    def wait_for_methods(self, count):
        try:
            WebDriverWait(self.driver, 15).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#method-list li")) == count)
            return True
        except TimeoutException:
            return False

    def run(self):
        username = f"journey-{secrets.token_hex(3)}@example.com"
        password = "correct horse battery staple"
        phone = "+447700900123"
        new_phone = "+447700900456"
        driver = self.driver

        # 1. Sign-up, then the forced MFA set-up with a security key.
        self.go("/")
        self.shot("landing")
        self.go("/signup/")
        self.type("username", username)
        self.type("password", "short")
        self.click("signup-submit")
        self.check("a weak password is refused", "at least 10 characters" in self.alert_text("signup-error"))
        self.type("password", password)
        self.type("phone", phone)
        self.shot("sign-up")
        self.click("signup-submit")
        self.check("sign-up leads to the forced MFA set-up", self.at("/setup/"))
        self.el("choose-security-key")
        self.shot("mfa-setup-choices")
        self.add_authenticator()
        self.click("choose-security-key")
        self.type("key-name", "YubiKey 5C")
        self.shot("mfa-setup-security-key")
        self.click("key-register")
        self.el("setup-done")
        self.check("security key registered through the Level 3 JSON forms",
                   "YubiKey 5C is set up" in self.el("done-text").text, self.el("done-text").text)
        self.shot("mfa-setup-done")
        self.click("setup-continue")
        self.check("the account page follows the set-up", self.at("/account/"))
        self.check("the account lists the key", self.wait_for_methods(1))
        self.shot("account-one-key")

        # 2. Sign-out, sign-in with the key.
        self.sign_out()
        self.sign_in(username, password)
        self.check("sign-in with MFA on shows the prompt", self.at("/verify/"))
        self.el("key-use")
        self.set_remember(False)
        self.shot("prompt-security-key")
        self.click("key-use")
        self.check("sign-in with the security key", self.at("/account/"))

        # 3. Add an authenticator app, then sign in with it.
        self.click("add-totp")
        self.check("the add-method page opens", self.at("/setup/"))
        secret = self.totp_secret_on_page()
        self.wait.until(lambda d: (d.find_element(By.ID, "totp-qr").get_attribute("src") or "").startswith("data:image/svg+xml"))
        self.shot("authenticator-app-qr")
        self.type("totp-code", "000000")
        self.click("totp-confirm")
        self.check("a wrong authenticator code shows the message",
                   self.alert_text("totp-error").startswith(WRONG_CODE_MESSAGE), self.alert_text("totp-error"))
        self.shot("authenticator-app-wrong-code")
        self.type("totp-code", self.totp(secret))
        self.click("totp-confirm")
        self.check("authenticator app confirmed with the code computed from the shown secret", self.at("/account/"))
        self.check("the account lists two methods", self.wait_for_methods(2))
        self.shot("account-key-and-app")
        self.sign_out()
        self.sign_in(username, password)
        self.check("prompt shown", self.at("/verify/"))
        self.check("the preferred method (the first one set up: the key) comes first",
                   self.el("panel-security-key").is_displayed())
        self.use_other_method("totp")
        self.set_remember(False)
        self.type("totp-code", self.totp(secret))
        self.shot("prompt-authenticator-app")
        self.click("totp-verify")
        self.check("sign-in with the authenticator app", self.at("/account/"))

        # 4. Text message: enrollment and sign-in with codes from the outbox; wrong code; resend.
        self.click("add-sms")
        self.check("text message set-up opens", self.at("/setup/"))
        self.check("the mobile number from sign-up is suggested", self.el("sms-phone").get_attribute("value") == phone)
        before = self.latest_sms_id(phone)
        self.click("sms-send")
        self.el("sms-code-form")
        code, last_id = self.sms_code(phone, before)
        self.type("sms-code", code)
        self.shot("sms-setup-code")
        self.click("sms-confirm")
        self.check("text message confirmed with the outbox code", self.at("/account/"))
        self.check("the account lists three methods", self.wait_for_methods(3))
        time.sleep(2.5)  # the number's resend cooldown (2 s on the journey's server) runs from the set-up text
        self.sign_out()
        self.sign_in(username, password)
        self.check("prompt shown", self.at("/verify/"))
        self.use_other_method("sms")
        self.set_remember(False)
        code, last_id = self.sms_code(phone, last_id)
        self.type("sms-code", "000000" if code != "000000" else "111111")
        self.click("sms-verify")
        message = self.alert_text("sms-error")
        link = self.driver.find_elements(By.CSS_SELECTOR, "#sms-error a[href='/help/']")
        self.check("a wrong SMS code shows exactly the wrong-code message, linking the tips",
                   message == WRONG_CODE_MESSAGE and len(link) == 1, message)
        self.shot("prompt-sms-wrong-code")
        time.sleep(2.2)  # the journey's server allows a resend after 2 s
        self.click("sms-resend")
        new_code, new_id = self.sms_code(phone, last_id)
        self.check("resend delivers a new text", new_id != last_id)
        self.type("sms-code", code)
        self.click("sms-verify")
        self.settle()
        self.check("the code replaced by the resend no longer works",
                   self.alert_text("sms-error").startswith(WRONG_CODE_MESSAGE) or code == new_code,
                   self.alert_text("sms-error"))
        self.type("sms-code", new_code)
        self.shot("prompt-sms-resent")
        self.click("sms-verify")
        self.check("sign-in with the resent SMS code", self.at("/account/"))

        # 5. Trusted device: remember this browser, then a second sign-in skips the prompt.
        self.sign_out()
        self.sign_in(username, password)
        self.check("prompt shown", self.at("/verify/"))
        self.set_remember(True)
        self.click("key-use")
        self.check("sign-in with the key, remembering the browser", self.at("/account/"))
        cookie = driver.get_cookie("kb_device")
        self.check("trusted-device cookie is HttpOnly, SameSite=Strict, about 5 days",
                   cookie is not None and cookie.get("httpOnly") and cookie.get("sameSite") == "Strict"
                   and 4.9 * 86400 < cookie.get("expiry", 0) - time.time() <= 5 * 86400 + 60, str(cookie))
        self.sign_out()
        self.sign_in(username, password)
        self.check("second sign-in from the same browser skips the prompt", self.at("/account/"))
        self.check("the page says why no code was asked",
                   "trusted" in self.alert_text("account-notice"), self.alert_text("account-notice"))
        self.shot("trusted-device-skip")
        self.sign_out()
        driver.delete_cookie("kb_device")
        self.sign_in(username, password)
        self.check("after the device token is cleared the prompt is forced", self.at("/verify/"))
        self.shot("prompt-after-device-token-cleared")
        self.set_remember(False)
        self.click("key-use")
        self.check("sign-in with the key", self.at("/account/"))

        # 6. Account settings: rename the key, change the phone number, recovery codes.
        self.wait_for_methods(3)
        key_row = driver.find_element(By.CSS_SELECTOR, "#method-list li[data-kind='security-key']")
        key_row.find_element(By.CSS_SELECTOR, "button[data-action='rename']").click()
        field = self.wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "input[data-field='rename']")))
        field.clear()
        field.send_keys("Desk key")
        driver.find_element(By.CSS_SELECTOR, "button[data-action='save-rename']").click()
        self.check("security key renamed", "renamed to Desk key" in self.alert_text("account-notice"))
        self.wait.until(lambda d: "Desk key" in d.find_element(By.ID, "method-list").text)
        sms_row = driver.find_element(By.CSS_SELECTOR, "#method-list li[data-kind='sms']")
        sms_row.find_element(By.CSS_SELECTOR, "button[data-action='change-number']").click()
        field = self.wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "input[data-field='phone']")))
        field.send_keys(new_phone)
        before = self.latest_sms_id(new_phone)
        driver.find_element(By.CSS_SELECTOR, "button[data-action='save-phone']").click()
        code_field = self.wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, "input[data-field='phone-code']")))
        code, _ = self.sms_code(new_phone, before)
        code_field.send_keys(code)
        self.shot("change-phone-confirm")
        driver.find_element(By.CSS_SELECTOR, "button[data-action='save-phone-code']").click()
        self.check("phone number change confirmed with a code sent to the new number",
                   "phone number was changed" in self.alert_text("account-notice"), self.alert_text("account-notice"))
        self.wait.until(lambda d: "56" in d.find_element(By.CSS_SELECTOR, "#method-list li[data-kind='sms']").text)
        mails = self.outbox()["email"]
        self.check("an email notice of the phone change is in the outbox",
                   any(m["event"] == "phone-changed" for m in mails), json.dumps(mails)[:300])
        self.click("regenerate-codes")
        self.wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#recovery-codes span")) == 10)
        self.check("ten recovery codes shown", True)
        self.wait_for_methods(4)
        self.shot("account-settings")

        # 7. Cloned key: a copy of the credential with a lower counter is refused and reported.
        authenticator_credentials = driver.get_credentials()
        self.check("the virtual authenticator holds the credential", len(authenticator_credentials) == 1)
        original = authenticator_credentials[0]
        driver.remove_virtual_authenticator()
        self.add_authenticator()
        copied = original.to_dict()
        self.check("the server stored a counter above zero", original.sign_count > 0, str(original.sign_count))
        copied["signCount"] = 0  # the copy's counter is behind the one the server stored
        driver.add_credential(Credential.from_dict(copied))
        self.sign_out()
        self.sign_in(username, password)
        self.check("prompt shown", self.at("/verify/"))
        self.set_remember(False)
        self.click("key-use")
        message = self.alert_text("key-error")
        self.check("the cloned key (counter went backwards) is refused", "copied" in message, message)
        self.shot("cloned-key-refused")
        self.use_other_method("totp")
        self.type("totp-code", self.totp(secret))
        self.click("totp-verify")
        self.check("sign-in with the authenticator app after the refusal", self.at("/account/"))
        try:
            self.wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#activity li[data-action='security-key-clone-suspected']"))
            reported = True
        except TimeoutException:
            reported = False
        self.check("the refusal is reported in the account's activity", reported)
        self.shot("cloned-key-reported")

        # 8. Reset MFA and re-enroll.
        self.click("reset-mfa")
        self.click("reset-yes")
        self.check("reset MFA sends the user back to the forced set-up", self.at("/setup/"))
        self.check("the set-up screen is the enforcement one",
                   "required" in self.el("setup-lead").text, self.el("setup-lead").text)
        self.shot("after-reset")
        self.click("choose-totp")
        secret = self.totp_secret_on_page()
        self.type("totp-code", self.totp(secret))
        self.click("totp-confirm")
        self.el("setup-done")
        self.click("setup-continue")
        self.check("re-enrolled after the reset", self.at("/account/") and self.wait_for_methods(1))
        self.shot("re-enrolled")
        self.sign_out()
        self.sign_in(username, password)
        self.check("the old trusted device and methods are gone: prompt with the new app only",
                   self.at("/verify/") and self.el("panel-totp").is_displayed())
        self.type("totp-code", self.totp(secret))
        self.click("totp-verify")
        self.check("sign-in after re-enrolling", self.at("/account/"))

        # 9. The development outbox and a wrong password.
        self.go("/dev/outbox/")
        self.wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#sms-list .message"))
        self.shot("dev-outbox")
        self.sign_out()
        self.sign_in(username, "not the password")
        self.check("a wrong password is refused",
                   "not correct" in self.alert_text("signin-error"), self.alert_text("signin-error"))
        self.shot("sign-in-wrong-password")
        self.completed = True

    def close(self):
        self.driver.quit()


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[-2])
        return 64
    base, shots = sys.argv[1], sys.argv[2]
    os.makedirs(shots, exist_ok=True)
    journey = Journey(base, shots)
    started = time.time()
    try:
        journey.run()
    except JourneyFailure as failure:
        if journey.failed == 0:  # raised outside check(), e.g. no text message arrived
            journey.failed += 1
            print(f"FAIL  {failure}")
            journey.shot("failure")
    except Exception as error:  # a WebDriver timeout or similar: report it as a failed step
        journey.failed += 1
        print(f"FAIL  unexpected {type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}")
        journey.shot("failure-unexpected")
    finally:
        journey.close()
    if not journey.completed and journey.failed == 0:
        journey.failed += 1
        print("FAIL  the journey stopped before its last step")
    print(f"journey: {journey.passed} passed, {journey.failed} failed in {time.time() - started:.0f} s; "
          f"screenshots in {shots}")
    return 1 if journey.failed else 0


if __name__ == "__main__":
    sys.exit(main())
