package dev.roundtrip.transport;

import java.net.URI;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

import org.junit.jupiter.api.Test;

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
				.isInstanceOf(SSLException.class)
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
			assertThatThrownBy(() -> transport.roundTrip(Request.get(server.uri("https", "/"))))
				.isInstanceOf(SSLException.class)
				.hasMessageContaining("TLS handshake with https://127.0.0.1:" + server.port() + " failed")
				.hasMessageContaining("PKIX path building failed");
			assertThat(transport.stats().open()).isZero();
			assertThat(transport.stats().destinations()).isEmpty();
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
