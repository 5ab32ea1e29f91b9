import os, smtplib, ssl
from email.message import EmailMessage
host, port = os.environ["SMTP_PLAYGROUND_POSTFIX_SUBMISSION"].split(":")
s = smtplib.SMTP(host, int(port))
s.set_debuglevel(2)
s.ehlo("client.example")
s.starttls(context=ssl._create_unverified_context())
s.ehlo("client.example")
s.login(os.environ["SMTP_PLAYGROUND_POSTFIX_USER"], os.environ["SMTP_PLAYGROUND_POSTFIX_PASSWORD"])
m = EmailMessage()
m["From"] = "alice@postfix.test"
m["To"] = "bob@postfix.test"
m["Subject"] = "Grüße"
m.set_content("Hallo Bob,\n\nschöne Grüße.\n")
s.send_message(m)
s.quit()
