"""Prints the TOTP code pyotp derives from an otpauth:// URI, `offset` seconds from now.

Usage: totp_code.py URI [OFFSET_SECONDS]
"""
import sys
import time

import pyotp

totp = pyotp.parse_uri(sys.argv[1])
offset = int(sys.argv[2]) if len(sys.argv) > 2 else 0
print(totp.at(time.time() + offset))
