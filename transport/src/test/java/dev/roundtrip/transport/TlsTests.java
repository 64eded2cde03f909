package dev.roundtrip.transport;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;

import org.junit.jupiter.api.Test;

import dev.roundtrip.transport.testing.Await;
import dev.roundtrip.transport.testing.Background;
import dev.roundtrip.transport.testing.Fetch;
import dev.roundtrip.transport.testing.RawServer;
import dev.roundtrip.transport.testing.TestCertificates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * HTTPS: TLS with hostname verification on by default and SNI for host names; connections
 * are pooled per {@link SSLContext} (part of the {@link Destination}), so connections
 * made under one trust or key material are never used under another; a failed handshake
 * leaves nothing in the pool. Certificates are self-signed, made at test time by
 * {@code keytool}.
 */
class TlsTests {

	private final List<String> sniSeen = new CopyOnWriteArrayList<>();

	/**
	 * An HTTPS server answering "hello <target> on <connection>" to every request,
	 * keep-alive.
	 */
	private RawServer httpsServer(KeyStore certificate) {
		return RawServer.startTls(TestCertificates.serverContext(certificate), (conn) -> {
			conn.handshake();
			this.sniSeen.add(String.valueOf(conn.sniHostName()));
			List<String> head;
			while ((head = conn.readHead()) != null) {
				conn.respond(200, "hello " + head.get(0).split(" ")[1] + " on " + conn.id());
			}
		});
	}

	// Go: TestTransportDialTLS, TestTLSServerClosesConnection (reuse over TLS)
	@Test
	void trustedCertificateWorksAndTheConnectionIsReused() throws Exception {
		try (RawServer server = httpsServer(TestCertificates.loopback());
				Transport transport = Transport.builder()
					.sslContext(TestCertificates.clientContextTrusting(TestCertificates.loopback()))
					.build()) {
			assertThat(Fetch.text(transport, server.uri("https", "/1"))).isEqualTo("hello /1 on 1");
			assertThat(Fetch.text(transport, server.uri("https", "/2"))).isEqualTo("hello /2 on 1");
			assertThat(server.acceptedConnections()).isEqualTo(1);
			PoolStats.ConnectionStats connection = transport.stats().destinations().get(0).connections().get(0);
			assertThat(connection.tlsProtocol()).startsWith("TLS");
			assertThat(connection.cipherSuite()).isNotBlank();
			assertThat(connection.requests()).isEqualTo(2);
			assertThat(this.sniSeen).as("no SNI for an IP address").containsExactly("null");
		}
	}

	// Go: TestTransportUsesTLSConfigServerName (SNI is the URL's host name)
	@Test
	void hostNameIsSentAsSniAndVerifiedAgainstTheCertificate() throws Exception {
		try (RawServer server = httpsServer(TestCertificates.loopback());
				Transport transport = Transport.builder()
					.sslContext(TestCertificates.clientContextTrusting(TestCertificates.loopback()))
					.build()) {
			URI uri = URI.create("https://localhost:" + server.port() + "/named");
			assertThat(Fetch.text(transport, uri)).isEqualTo("hello /named on 1");
			assertThat(this.sniSeen).containsExactly("localhost");
		}
	}

	// Go: crypto/tls's VerifyHostname failure surfaced by the transport
	@Test
	void certificateForAnotherHostIsRejectedAndNothingIsPooled() throws Exception {
		try (RawServer server = httpsServer(TestCertificates.otherHost());
				Transport transport = Transport.builder()
					.sslContext(TestCertificates.clientContextTrusting(TestCertificates.otherHost()))
					.build()) {
			assertThatThrownBy(() -> transport.roundTrip(Request.get(server.uri("https", "/"))))
				.isInstanceOf(SSLHandshakeException.class)
				.hasMessageContaining("TLS handshake with https://127.0.0.1:" + server.port() + " failed")
				.hasMessageContaining("No subject alternative names matching IP address 127.0.0.1");
			assertThat(transport.stats().open()).isZero();
			assertThat(transport.stats().destinations()).isEmpty();
		}
	}

	@Test
	void hostnameVerifierReplacesTheDefaultCheckWhenGiven() throws Exception {
		try (RawServer server = httpsServer(TestCertificates.otherHost());
				Transport transport = Transport.builder()
					.sslContext(TestCertificates.clientContextTrusting(TestCertificates.otherHost()))
					.hostnameVerifier((host, session) -> host.equals("127.0.0.1"))
					.build()) {
			assertThat(Fetch.text(transport, server.uri("https", "/"))).isEqualTo("hello / on 1");
		}
	}

	// Go: x509.UnknownAuthorityError surfaced by the transport
	@Test
	void untrustedCertificateIsRejectedAndNothingIsPooled() throws Exception {
		try (RawServer server = httpsServer(TestCertificates.loopback());
				Transport transport = Transport.builder().build()) {
			// The JDK's type is kept (Spring Boot's SSL bundle tests catch it), with the
			// destination added.
			assertThatThrownBy(() -> transport.roundTrip(Request.get(server.uri("https", "/"))))
				.isInstanceOf(SSLHandshakeException.class)
				.hasMessageContaining("TLS handshake with https://127.0.0.1:" + server.port() + " failed")
				.hasMessageContaining("PKIX path building failed")
				.hasCauseInstanceOf(SSLHandshakeException.class);
			assertThat(transport.stats().open()).isZero();
			assertThat(transport.stats().destinations()).isEmpty();
		}
	}

	// Go: TLSHandshakeTimeout is one deadline for the whole handshake. As a limit per
	// read, a server trickling its handshake a byte at a time stretched it without end.
	@Test
	void tlsHandshakeTimeoutIsOneDeadlineNotALimitPerRead() throws Exception {
		try (RawServer tls = httpsServer(TestCertificates.loopback());
				RawServer trickle = RawServer.start((conn) -> relayTrickling(conn, tls.port()));
				Transport transport = Transport.builder()
					.sslContext(TestCertificates.clientContextTrusting(TestCertificates.loopback()))
					.tlsHandshakeTimeout(Duration.ofMillis(500))
					.build()) {
			Background<String> call = Background.start("handshake",
					() -> Fetch.text(transport, trickle.uri("https", "/")));
			Throwable failure = call.failure(Await.PROMPTLY);
			assertThat(failure)
				.isInstanceOfSatisfying(TransportTimeoutException.class,
						(ex) -> assertThat(ex.limit()).isEqualTo(TransportTimeoutException.Limit.TLS_HANDSHAKE))
				.hasMessageContaining("timed out after 500 ms (tls-handshake-timeout)");
			assertThat(transport.stats().open()).isZero();
		}
	}

	/**
	 * Relays a connection to the TLS server on {@code port}, passing the server's bytes
	 * on one every 20 ms: each read gets a byte long before any per-read limit, the whole
	 * handshake takes tens of seconds.
	 */
	private static void relayTrickling(RawServer.Conn client, int port) throws Exception {
		try (Socket upstream = new Socket("127.0.0.1", port)) {
			Thread requests = new Thread(() -> {
				try {
					client.in().transferTo(upstream.getOutputStream());
				}
				catch (IOException ex) {
					// The client went away.
				}
			}, "trickle-requests");
			requests.setDaemon(true);
			requests.start();
			InputStream responses = upstream.getInputStream();
			int b;
			while ((b = responses.read()) >= 0) {
				client.out().write(b);
				client.out().flush();
				// Pacing, the point of this server: not a wait for anything.
				Thread.sleep(20);
			}
		}
	}

	// Go: connectMethodKey (here the TLS identity is part of the key too: DESIGN 2.2)
	@Test
	void twoSslContextsNeverShareAConnection() throws Exception {
		SSLContext first = TestCertificates.clientContextTrusting(TestCertificates.loopback());
		SSLContext second = TestCertificates.clientContextTrusting(TestCertificates.loopback());
		try (RawServer server = httpsServer(TestCertificates.loopback());
				Transport transport = Transport.builder().sslContext(first).build()) {
			URI uri = server.uri("https", "/");
			assertThat(Fetch.text(transport, uri)).isEqualTo("hello / on 1");
			assertThat(Fetch.text(transport, Request.builder("GET", uri).sslContext(second).build()))
				.isEqualTo("hello / on 2");
			assertThat(Fetch.text(transport, uri)).as("the first context's connection again").isEqualTo("hello / on 1");
			assertThat(Fetch.text(transport, Request.builder("GET", uri).sslContext(second).build()))
				.isEqualTo("hello / on 2");
			assertThat(server.acceptedConnections()).isEqualTo(2);
			assertThat(transport.stats().destinations()).extracting((d) -> d.destination().sslContext())
				.containsExactlyInAnyOrder(first, second);
		}
	}

}
