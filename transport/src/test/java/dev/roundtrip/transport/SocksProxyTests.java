package dev.roundtrip.transport;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import dev.roundtrip.transport.TransportTimeoutException.Limit;
import dev.roundtrip.transport.testing.Await;
import dev.roundtrip.transport.testing.Fetch;
import dev.roundtrip.transport.testing.RawServer;
import dev.roundtrip.transport.testing.RecordedRequest;
import dev.roundtrip.transport.testing.ScriptedServer;
import dev.roundtrip.transport.testing.SocksProxy;
import dev.roundtrip.transport.testing.SocksProxy.Behaviour;
import dev.roundtrip.transport.testing.SocksProxy.Received;
import dev.roundtrip.transport.testing.TestCertificates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code socks5://} proxies (RFC 1928, RFC 1929): the proxy is asked to connect to the
 * destination's host name, which it resolves, then requests go as they would to the
 * origin (origin form, no {@code Proxy-Authorization}), TLS with the origin included. The
 * hosts asked for here resolve nowhere but at the test proxy, which connects every
 * request to loopback. Go: {@code golang.org/x/net/internal/socks} behind
 * {@code Transport.Proxy}.
 */
class SocksProxyTests {

	@Test
	void plainHttpGoesThroughTheProxyAsToTheOriginAndTheProxyResolvesTheHost() throws Exception {
		try (ScriptedServer origin = ScriptedServer.start((ex) -> ex.respond(200, "origin saw " + ex.target()));
				SocksProxy proxy = SocksProxy.start(Behaviour.OPEN);
				Transport transport = Transport.builder().proxy(proxy.uri("socks5", null)).build()) {
			URI uri = URI.create("http://origin.invalid:" + origin.port() + "/path?x=1");
			assertThat(Fetch.text(transport, uri)).isEqualTo("origin saw /path?x=1");
			assertThat(Fetch.text(transport, uri)).as("the same connection").isEqualTo("origin saw /path?x=1");

			assertThat(proxy.received())
				.containsExactly(new Received(List.of(0), null, null, 3, "origin.invalid", origin.port()));
			RecordedRequest request = origin.requests().get(0);
			assertThat(request.header("Host")).isEqualTo("origin.invalid:" + origin.port());
			assertThat(request.header("Proxy-Authorization")).isNull();
			assertThat(origin.requests()).extracting(RecordedRequest::connectionId).containsOnly(1);
			assertThat(transport.stats().destinations()).extracting((d) -> d.destination().proxy())
				.containsExactly("socks5://127.0.0.1:" + proxy.port());
		}
	}

	@Test
	void httpsRunsTlsWithTheOriginThroughTheProxy() throws Exception {
		List<String> heads = new CopyOnWriteArrayList<>();
		try (RawServer origin = RawServer.startTls(TestCertificates.serverContext(TestCertificates.loopback()),
				(conn) -> {
					List<String> head;
					while ((head = conn.readHead()) != null) {
						heads.add(head.get(0));
						conn.respond(200, "secret on " + conn.id() + " for " + conn.sniHostName());
					}
				});
				SocksProxy proxy = SocksProxy.start(Behaviour.OPEN);
				Transport transport = Transport.builder()
					.proxy(proxy.uri("socks5h", null))
					.sslContext(TestCertificates.clientContextTrusting(TestCertificates.loopback()))
					.build()) {
			URI uri = URI.create("https://localhost:" + origin.port() + "/secure");
			assertThat(Fetch.text(transport, uri)).isEqualTo("secret on 1 for localhost");
			assertThat(Fetch.text(transport, uri)).isEqualTo("secret on 1 for localhost");
			assertThat(heads).containsExactly("GET /secure HTTP/1.1", "GET /secure HTTP/1.1");
			assertThat(proxy.received()).extracting(Received::addressType, Received::host)
				.containsExactly(org.assertj.core.groups.Tuple.tuple(3, "localhost"));
		}
	}

	@Test
	void anIpLiteralIsSentAsAnAddress() throws Exception {
		try (ScriptedServer origin = ScriptedServer.start((ex) -> ex.respond(200, "ok"));
				SocksProxy proxy = SocksProxy.start(Behaviour.OPEN);
				Transport transport = Transport.builder().proxy(proxy.uri("socks5", null)).build()) {
			assertThat(Fetch.text(transport, origin.uri("/"))).isEqualTo("ok");
			assertThat(proxy.received()).extracting(Received::addressType, Received::host)
				.containsExactly(org.assertj.core.groups.Tuple.tuple(1, "127.0.0.1"));
		}
	}

	@Test
	void credentialsInTheUrlAreSentAsUsernameAndPasswordAndNeverToTheOrigin() throws Exception {
		try (ScriptedServer origin = ScriptedServer.start((ex) -> ex.respond(200, "ok"));
				SocksProxy proxy = SocksProxy.start(Behaviour.requiring("user", "p@ss word"));
				Transport transport = Transport.builder().proxy(proxy.uri("socks5", "user:p%40ss%20word")).build()) {
			assertThat(Fetch.text(transport, URI.create("http://origin.invalid:" + origin.port() + "/")))
				.isEqualTo("ok");
			assertThat(proxy.received())
				.containsExactly(new Received(List.of(0, 2), "user", "p@ss word", 3, "origin.invalid", origin.port()));
			assertThat(origin.requests().get(0).header("Proxy-Authorization")).isNull();
		}
	}

	@Test
	void wrongCredentialsAreAClearErrorThatShowsNoPassword() throws Exception {
		try (SocksProxy proxy = SocksProxy.start(Behaviour.requiring("user", "right"));
				Transport transport = Transport.builder().proxy(proxy.uri("socks5", "user:wrong-secret")).build()) {
			assertThatThrownBy(() -> Fetch.text(transport, URI.create("http://origin.invalid/")))
				.isInstanceOf(IOException.class)
				.hasMessageContaining("Proxy socks5://127.0.0.1:" + proxy.port()
						+ " refused the username and password in the proxy URL: status 1")
				.hasMessageNotContaining("wrong-secret");
			Await.until(() -> proxy.server().connection(1).eofSeen(), Await.PROMPTLY, "the client to close");
			assertThat(transport.stats().open()).isZero();
		}
	}

	@Test
	void aProxyThatRequiresCredentialsNoneWereGivenForSaysSo() throws Exception {
		try (SocksProxy proxy = SocksProxy.start(Behaviour.requiring("user", "secret"));
				Transport transport = Transport.builder().proxy(proxy.uri("socks5", null)).build()) {
			assertThatThrownBy(() -> Fetch.text(transport, URI.create("http://origin.invalid/")))
				.isInstanceOf(IOException.class)
				.hasMessageContaining("Proxy socks5://127.0.0.1:" + proxy.port()
						+ " accepts none of the authentication methods offered")
				.hasMessageContaining("reply 0xff");
		}
	}

	@Test
	void aRefusedConnectNamesTheProxyAndItsReplyCode() throws Exception {
		try (SocksProxy proxy = SocksProxy.start(Behaviour.refusing(5));
				Transport transport = Transport.builder().proxy(proxy.uri("socks5", null)).build()) {
			assertThatThrownBy(() -> Fetch.text(transport, URI.create("https://origin.invalid:8443/")))
				.isInstanceOf(IOException.class)
				.hasMessage("Proxy socks5://127.0.0.1:" + proxy.port()
						+ " refused CONNECT origin.invalid:8443: reply 5 (connection refused)");
			Await.until(() -> proxy.server().connection(1).eofSeen(), Await.PROMPTLY, "the client to close");
			assertThat(transport.stats().open()).isZero();
		}
	}

	@Test
	void anUnsupportedProxySchemeFailsTheBuildWithoutShowingThePassword() {
		assertThatThrownBy(() -> Transport.builder().proxy(URI.create("socks4://user:secret@proxy:1080")).build())
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessage("proxy.url must be http://, https:// or socks5://[user:password@]host[:port],"
					+ " was socks4://user:***@proxy:1080");
	}

	@Test
	void aProxyThatNeverAnswersIsEndedByTheDialTimeout() throws Exception {
		try (SocksProxy proxy = SocksProxy.start(Behaviour.HANG);
				Transport transport = Transport.builder()
					.proxy(proxy.uri("socks5", null))
					.dialTimeout(Duration.ofMillis(150))
					.build()) {
			assertThatThrownBy(() -> Fetch.text(transport, URI.create("http://origin.invalid/")))
				.isInstanceOfSatisfying(TransportTimeoutException.class,
						(ex) -> assertThat(ex.limit()).isEqualTo(Limit.DIAL))
				.hasMessageContaining("did not answer its greeting within 150 ms (dial-timeout)");
			Await.until(() -> proxy.server().connection(1).eofSeen(), Await.PROMPTLY, "the client to close");
			assertThat(transport.stats().open()).isZero();
		}
	}

}
