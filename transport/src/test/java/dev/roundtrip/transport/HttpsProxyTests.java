package dev.roundtrip.transport;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.net.ssl.SSLHandshakeException;

import org.junit.jupiter.api.Test;

import dev.roundtrip.transport.TransportTimeoutException.Limit;
import dev.roundtrip.transport.testing.Await;
import dev.roundtrip.transport.testing.Fetch;
import dev.roundtrip.transport.testing.RawServer;
import dev.roundtrip.transport.testing.TestCertificates;
import dev.roundtrip.transport.testing.TunnelProxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code https://} proxies: TLS with the proxy, its certificate checked with the
 * transport's trust settings; then plain requests in absolute form and https through a
 * {@code CONNECT} tunnel, all inside that TLS (TLS in TLS for https). Go:
 * {@code TestTransportProxy} with {@code proxy=https}.
 */
class HttpsProxyTests {

	private static final String BASIC_USER_PASS = "Basic "
			+ Base64.getEncoder().encodeToString("user:p@ss word".getBytes(StandardCharsets.UTF_8));

	private static TunnelProxy tlsProxy(TunnelProxy.Mode mode) {
		return TunnelProxy.startTls(TestCertificates.serverContext(TestCertificates.loopback()), mode);
	}

	private static Transport.Builder trustingLoopback() {
		return Transport.builder().sslContext(TestCertificates.clientContextTrusting(TestCertificates.loopback()));
	}

	@Test
	void plainHttpGoesInAbsoluteFormInsideTlsWithTheProxy() throws Exception {
		try (TunnelProxy proxy = tlsProxy(TunnelProxy.Mode.TUNNEL);
				Transport transport = trustingLoopback().proxy(proxy.uri("user:p%40ss%20word")).build()) {
			assertThat(Fetch.text(transport, URI.create("http://origin.invalid:8080/a?b=1")))
				.isEqualTo("proxied http://origin.invalid:8080/a?b=1");
			assertThat(Fetch.text(transport, URI.create("http://origin.invalid:8080/again")))
				.isEqualTo("proxied http://origin.invalid:8080/again");
			assertThat(proxy.forwardedHeads()).hasSize(2)
				.allSatisfy(
						(head) -> assertThat(RawServer.header(head, "Proxy-Authorization")).isEqualTo(BASIC_USER_PASS));
			assertThat(proxy.server().acceptedConnections()).as("one pooled TLS connection").isEqualTo(1);
			assertThat(transport.stats().destinations()).extracting((d) -> d.destination().proxy())
				.containsExactly("https://127.0.0.1:" + proxy.port());
		}
	}

	@Test
	void httpsTunnelsThroughConnectInsideTlsWithTheProxy() throws Exception {
		List<List<String>> originHeads = new CopyOnWriteArrayList<>();
		try (RawServer origin = RawServer.startTls(TestCertificates.serverContext(TestCertificates.loopback()),
				(conn) -> {
					List<String> head;
					while ((head = conn.readHead()) != null) {
						originHeads.add(head);
						conn.respond(200, "secret on " + conn.id());
					}
				});
				TunnelProxy proxy = tlsProxy(TunnelProxy.Mode.TUNNEL);
				Transport transport = trustingLoopback().proxy(proxy.uri("user:p%40ss%20word")).build()) {
			assertThat(Fetch.text(transport, origin.uri("https", "/secure"))).isEqualTo("secret on 1");
			assertThat(Fetch.text(transport, origin.uri("https", "/again"))).isEqualTo("secret on 1");
			assertThat(proxy.connectHeads()).hasSize(1);
			List<String> connect = proxy.connectHeads().get(0);
			assertThat(connect.get(0)).isEqualTo("CONNECT 127.0.0.1:" + origin.port() + " HTTP/1.1");
			assertThat(RawServer.header(connect, "Proxy-Authorization")).isEqualTo(BASIC_USER_PASS);
			assertThat(originHeads).extracting((head) -> head.get(0))
				.containsExactly("GET /secure HTTP/1.1", "GET /again HTTP/1.1");
			assertThat(originHeads)
				.allSatisfy((head) -> assertThat(RawServer.header(head, "Proxy-Authorization")).isNull());
		}
	}

	@Test
	void theProxysCertificateIsCheckedWithTheTransportsTrust() throws Exception {
		try (TunnelProxy proxy = tlsProxy(TunnelProxy.Mode.TUNNEL);
				Transport transport = Transport.builder().proxy(proxy.uri(null)).build()) {
			assertThatThrownBy(() -> Fetch.text(transport, URI.create("http://origin.invalid/")))
				.isInstanceOf(SSLHandshakeException.class)
				.hasMessageContaining("TLS handshake with proxy https://127.0.0.1:" + proxy.port() + " failed");
			assertThat(proxy.forwardedHeads()).isEmpty();
		}
	}

	@Test
	void theProxysCertificateMustNameTheProxyHost() throws Exception {
		try (TunnelProxy proxy = TunnelProxy.startTls(TestCertificates.serverContext(TestCertificates.otherHost()),
				TunnelProxy.Mode.TUNNEL);
				Transport transport = Transport.builder()
					.sslContext(TestCertificates.clientContextTrusting(TestCertificates.otherHost()))
					.proxy(proxy.uri(null, "localhost"))
					.build()) {
			assertThatThrownBy(() -> Fetch.text(transport, URI.create("http://origin.invalid/")))
				.isInstanceOf(SSLHandshakeException.class)
				.hasMessageContaining("proxy https://localhost:" + proxy.port());
		}
	}

	@Test
	void aRefusedConnectIsAClearError() throws Exception {
		try (TunnelProxy proxy = tlsProxy(TunnelProxy.Mode.REFUSE_407);
				Transport transport = trustingLoopback().proxy(proxy.uri("user:wrong")).build()) {
			assertThatThrownBy(() -> Fetch.text(transport, URI.create("https://origin.invalid/")))
				.hasMessageContaining("Proxy https://127.0.0.1:" + proxy.port() + " refused CONNECT origin.invalid:443")
				.hasMessageContaining("407 Proxy Authentication Required");
			Await.until(() -> proxy.server().connection(1).eofSeen(), Await.PROMPTLY, "the client to close");
			assertThat(transport.stats().open()).isZero();
		}
	}

	@Test
	void aProxyThatNeverAnswersConnectIsEndedByTheDialTimeout() throws Exception {
		try (TunnelProxy proxy = tlsProxy(TunnelProxy.Mode.HANG);
				Transport transport = trustingLoopback().proxy(proxy.uri(null))
					.dialTimeout(Duration.ofMillis(150))
					.build()) {
			assertThatThrownBy(() -> Fetch.text(transport, URI.create("https://origin.invalid/")))
				.isInstanceOfSatisfying(TransportTimeoutException.class,
						(ex) -> assertThat(ex.limit()).isEqualTo(Limit.DIAL))
				.hasMessageContaining("did not answer CONNECT origin.invalid:443 within 150 ms (dial-timeout)");
			Await.until(() -> proxy.server().connection(1).eofSeen(), Await.PROMPTLY, "the client to close");
			assertThat(transport.stats().open()).isZero();
		}
	}

	@Test
	void aProxyThatNeverAnswersTheTlsHandshakeIsEndedByTheHandshakeTimeout() throws Exception {
		try (RawServer silent = RawServer.start((conn) -> conn.readUntilEof(Duration.ofSeconds(10)));
				Transport transport = trustingLoopback().proxy(URI.create("https://127.0.0.1:" + silent.port()))
					.tlsHandshakeTimeout(Duration.ofMillis(150))
					.build()) {
			assertThatThrownBy(() -> Fetch.text(transport, URI.create("http://origin.invalid/")))
				.isInstanceOfSatisfying(TransportTimeoutException.class,
						(ex) -> assertThat(ex.limit()).isEqualTo(Limit.TLS_HANDSHAKE))
				.hasMessageContaining("TLS handshake with proxy https://127.0.0.1:" + silent.port() + " timed out");
		}
	}

}
