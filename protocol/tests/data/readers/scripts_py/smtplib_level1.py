import os, smtplib
host, port = os.environ["SMTP_PLAYGROUND_POSTFIX"].split(":")
s = smtplib.SMTP()
s.set_debuglevel(1)
s.connect(host, int(port))
msg = "Subject: smtplib test\r\n\r\nHello Alice.\r\n.a line that starts with a dot\r\n"
s.sendmail("bob@example.com", ["alice@postfix.test"], msg)
s.quit()
