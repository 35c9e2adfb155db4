//! A small SMTP server for the tests: speaks enough RFC 5321 for lettre to deliver to it,
//! keeps what it receives, and can be told to refuse the next messages (a server that is down
//! for a while) so retries can be tested against a real TCP conversation.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

#[derive(Clone, Default)]
pub struct SmtpSink {
    pub port: u16,
    pub received: Arc<Mutex<Vec<String>>>,
    refuse_next: Arc<AtomicUsize>,
}

impl SmtpSink {
    pub async fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind smtp sink");
        let sink = SmtpSink { port: listener.local_addr().unwrap().port(), ..SmtpSink::default() };
        let shared = sink.clone();
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let sink = shared.clone();
                tokio::spawn(async move {
                    let _ = sink.converse(socket).await;
                });
            }
        });
        sink
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The next `count` messages get a temporary failure (451).
    pub fn refuse_next(&self, count: usize) {
        self.refuse_next.store(count, Ordering::SeqCst);
    }

    pub fn messages(&self) -> Vec<String> {
        self.received.lock().unwrap().clone()
    }

    async fn converse(&self, socket: tokio::net::TcpStream) -> std::io::Result<()> {
        let (read, mut write) = socket.into_split();
        let mut lines = BufReader::new(read).lines();
        write.write_all(b"220 sink.test ESMTP\r\n").await?;
        while let Some(line) = lines.next_line().await? {
            let verb = line.split_whitespace().next().unwrap_or("").to_ascii_uppercase();
            match verb.as_str() {
                "EHLO" | "HELO" => write.write_all(b"250-sink.test\r\n250 8BITMIME\r\n").await?,
                "MAIL" => {
                    let refuse = self.refuse_next.load(Ordering::SeqCst);
                    if refuse > 0 {
                        self.refuse_next.store(refuse - 1, Ordering::SeqCst);
                        write.write_all(b"451 4.3.0 try again later\r\n").await?;
                    } else {
                        write.write_all(b"250 OK\r\n").await?;
                    }
                }
                "RCPT" => write.write_all(b"250 OK\r\n").await?,
                "RSET" | "NOOP" => write.write_all(b"250 OK\r\n").await?,
                "DATA" => {
                    write.write_all(b"354 end with .\r\n").await?;
                    let mut message = String::new();
                    while let Some(data) = lines.next_line().await? {
                        if data == "." {
                            break;
                        }
                        message.push_str(&data);
                        message.push('\n');
                    }
                    self.received.lock().unwrap().push(message);
                    write.write_all(b"250 OK queued\r\n").await?;
                }
                "QUIT" => {
                    write.write_all(b"221 bye\r\n").await?;
                    return Ok(());
                }
                _ => write.write_all(b"502 not implemented\r\n").await?,
            }
        }
        Ok(())
    }
}
