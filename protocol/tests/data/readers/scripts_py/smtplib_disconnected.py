import os, smtplib
s = smtplib.SMTP()
s.set_debuglevel(1)
s.connect("127.0.0.1", int(os.environ["FAKE_HANGUP_PORT"]))
s.ehlo("client.example")
s.mail("bob@example.com")
