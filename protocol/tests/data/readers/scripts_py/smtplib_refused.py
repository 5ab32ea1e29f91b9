import os, smtplib
host, port = os.environ["SMTP_PLAYGROUND_POSTFIX"].split(":")
s = smtplib.SMTP(host, int(port))
s.set_debuglevel(1)
s.sendmail("bob@example.com", ["nobody@postfix.test"], "Subject: x\r\n\r\nx\r\n")
