"""A webhook receiver that is alive but hopeless: real HTTP on 127.0.0.1 (raw sockets in a
thread), answering the status line and headers at once and then the body one byte at a time, or
dripping the headers too. A per-read socket timeout never fires against it; only a total deadline
ends the call."""

from __future__ import annotations

import contextlib
import datetime
import ipaddress
import socket
import ssl
import threading
import time
from pathlib import Path


class DripReceiver:
    def __init__(self, *, interval: float = 2.0, drip_headers: bool = False, status: int = 200,
                 body_length: int = 1000, tls: ssl.SSLContext | None = None) -> None:
        self.interval = interval
        self.drip_headers = drip_headers
        self.status = status
        self.body_length = body_length
        self.tls = tls
        self.connections = 0
        self.requests_read = 0
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        port = self._listener.getsockname()[1]
        scheme = "https" if self.tls else "http"
        return f"{scheme}://127.0.0.1:{port}/services/T000DRIP/B000DRIP/dripSecretToken0123456789"

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self.connections += 1
            threading.Thread(target=self._serve, args=(connection,), daemon=True).start()

    def _serve(self, connection: socket.socket) -> None:
        with contextlib.closing(connection):
            connection.settimeout(5)
            try:
                if self.tls is not None:
                    connection = self.tls.wrap_socket(connection, server_side=True)
                self._read_request(connection)
                head = (f"HTTP/1.1 {self.status} OK\r\nContent-Type: text/plain\r\n"
                        f"Content-Length: {self.body_length}\r\n\r\n").encode()
                if self.drip_headers:
                    self._drip(connection, head)
                else:
                    connection.sendall(head)
                self._drip(connection, b"o" * self.body_length)
            except OSError:
                return  # the client hung up: what a deadline does

    def _read_request(self, connection: socket.socket) -> None:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = connection.recv(65536)
            if not chunk:
                return
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        while len(body) < length:
            chunk = connection.recv(65536)
            if not chunk:
                return
            body += chunk
        with self._lock:
            self.requests_read += 1

    def _drip(self, connection: socket.socket, data: bytes) -> None:
        for index in range(len(data)):
            if self._stopping.wait(self.interval):
                return
            connection.sendall(data[index:index + 1])

    def stop(self) -> None:
        self._stopping.set()
        self._listener.close()
        self._thread.join(5)


def elapsed_since(started: float) -> float:
    return time.monotonic() - started


def self_signed_tls(directory: Path) -> tuple[ssl.SSLContext, Path]:
    """A server context for 127.0.0.1 and the certificate file a client must trust
    (point SSL_CERT_FILE at it). ``cryptography`` comes with moto."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                       critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "receiver.pem", directory / "receiver.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    return context, cert_file
