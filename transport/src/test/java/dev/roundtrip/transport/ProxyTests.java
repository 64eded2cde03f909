package dev.roundtrip.transport;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import dev.roundtrip.transport.internal.Engine;
import dev.roundtrip.transport.internal.ProxyConfig;
import dev.roundtrip.transport.testing.Await;
import dev.roundtrip.transport.testing.Fetch;
import dev.roundtrip.transport.testing.RawServer;
import dev.roundtrip.transport.testing.RecordedRequest;
import dev.roundtrip.transport.testing.ScriptedServer;
import dev.roundtrip.transport.testing.TestCertificates;
import dev.roundtrip.transport.testing.TunnelProxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * HTTP proxies. Plain requests go to the proxy in absolute form with
 * {@code Proxy-Authorization: Basic} from the proxy URL; https requests go through a
 * {@code CONNECT} tunnel, then TLS with the origin inside it, and
 * {@code Proxy-Authorization} never reaches the origin. Connections are pooled per proxy.
 *
 * <p>
 * An explicit {@code proxy.url} applies to every request, loopback targets included,
 * which is what lets these tests run on loopback alone. The environment's proxies never
 * apply to loopback targets, so their rules ({@code HTTP_PROXY}, {@code HTTPS_PROXY},
 * {@code NO_PROXY}) are tested on {@link ProxyConfig} directly, with an injected
 * environment.
 */
class ProxyTests {

	private static final Duration WAIT = Await.PROMPTLY;

	private static final String BASIC_USER_PASS = "Basic "
			+ Base64.getEncoder().encodeToString("user:p@ss word".getBytes(StandardCharsets.UTF_8));

	// Go: TestTransportProxy (site=http, proxy=http)
	@Test
	void plainHttpGoesToTheProxyInAbsoluteFormWithProxyAuthorization() throws Exception {
		try (ScriptedServer origin = ScriptedServer.start((ex) -> ex.respond(200, "origin itself"));
				ScriptedServer proxy = ScriptedServer.start((ex) -> ex.respond(200, "proxied " + ex.target()));
				Transport transport = Transport.builder()
					.proxy(URI.create("http://user:p%40ss%20word@127.0.0.1:" + proxy.port()))
					.build()) {
			URI target = origin.uri("/path?x=1");
			Request request = Request.builder("GET", target).header("Proxy-Authorization", "Basic caller's").build();
			assertThat(Fetch.text(transport, request)).isEqualTo("proxied " + target);
			assertThat(Fetch.text(transport, origin.uri("/again"))).isEqualTo("proxied " + origin.url("/again"));
			RecordedRequest first = proxy.requests().get(0);
			assertThat(first.target()).isEqualTo(target.toString());
			assertThat(first.header("Host")).isEqualTo("127.0.0.1:" + origin.port());
			assertThat(first.headers("Proxy-Authorization")).as("the proxy URL's credentials win")
				.containsExactly(BASIC_USER_PASS);
			assertThat(proxy.acceptedConnections()).as("one pooled connection to the proxy").isEqualTo(1);
			assertThat(origin.acceptedConnections()).isZero();
			assertThat(transport.stats().destinations()).extracting((d) -> d.destination().proxy())
				.containsExactly("127.0.0.1:" + proxy.port());
			assertThat(transport.stats().destinations().get(0).destination())
				.isEqualTo(new Destination("http", "127.0.0.1", origin.port(), "127.0.0.1:" + proxy.port(), null))
				.isNotEqualTo(origin.destination());
		}
	}

	@Test
	void proxyWithoutCredentialsSendsNoProxyAuthorizationOfItsOwn() throws Exception {
		try (ScriptedServer proxy = ScriptedServer.start((ex) -> ex.respond(200, "proxied"));
				Transport transport = Transport.builder()
					.proxy(URI.create("http://127.0.0.1:" + proxy.port()))
					.build()) {
			assertThat(Fetch.text(transport, URI.create("http://127.0.0.1:9/"))).isEqualTo("proxied");
			assertThat(proxy.requests().get(0).header("Proxy-Authorization")).isNull();
		}
	}

	// Go: TestTransportProxy (site=https, proxy=http), TestTransportProxyConnectHeader
	@Test
	void httpsGoesThroughAConnectTunnelAndProxyAuthorizationNeverReachesTheOrigin() throws Exception {
		List<List<String>> originHeads = new CopyOnWriteArrayList<>();
		try (RawServer origin = RawServer.startTls(TestCertificates.serverContext(TestCertificates.loopback()),
				(conn) -> {
					List<String> head;
					while ((head = conn.readHead()) != null) {
						originHeads.add(head);
						conn.respond(200, "secret on " + conn.id());
					}
				});
				TunnelProxy proxy = TunnelProxy.start(TunnelProxy.Mode.TUNNEL);
				Transport transport = Transport.builder()
					.proxy(proxy.uri("user:p%40ss%20word"))
					.sslContext(TestCertificates.clientContextTrusting(TestCertificates.loopback()))
					.build()) {
			Request request = Request.builder("GET", origin.uri("https", "/secure"))
				.header("Proxy-Authorization", "Basic meant-for-nobody")
				.build();
			assertThat(Fetch.text(transport, request)).isEqualTo("secret on 1");
			assertThat(Fetch.text(transport, origin.uri("https", "/again"))).isEqualTo("secret on 1");

			assertThat(proxy.connectHeads()).hasSize(1);
			List<String> connect = proxy.connectHeads().get(0);
			assertThat(connect.get(0)).isEqualTo("CONNECT 127.0.0.1:" + origin.port() + " HTTP/1.1");
			assertThat(RawServer.header(connect, "Host")).isEqualTo("127.0.0.1:" + origin.port());
			assertThat(RawServer.header(connect, "Proxy-Authorization")).isEqualTo(BASIC_USER_PASS);

			assertThat(originHeads).extracting((head) -> head.get(0))
				.containsExactly("GET /secure HTTP/1.1", "GET /again HTTP/1.1");
			assertThat(originHeads).allSatisfy(
					(head) -> assertThat(RawServer.header(head, "Proxy-Authorization")).as("at the origin").isNull());
			assertThat(transport.stats().destinations()).extracting((d) -> d.destination().proxy())
				.containsExactly("127.0.0.1:" + proxy.port());
		}
	}

	// Go: TestOnProxyConnectResponse (non-200 closes the connection),
	// TestRoundTripReturnsProxyError
	@Test
	void connectRefusedByTheProxyIsAClearErrorAndTheConnectionIsClosed() throws Exception {
		try (TunnelProxy proxy = TunnelProxy.start(TunnelProxy.Mode.REFUSE_407);
				Transport transport = Transport.builder()
					.proxy(proxy.uri("user:wrong"))
					.sslContext(TestCertificates.clientContextTrusting(TestCertificates.loopback()))
					.build()) {
			assertThatThrownBy(() -> transport.roundTrip(Request.get("https://127.0.0.1:9/")))
				.isInstanceOf(IOException.class)
				.hasMessageContaining("Proxy 127.0.0.1:" + proxy.port() + " refused CONNECT 127.0.0.1:9")
				.hasMessageContaining("407 Proxy Authentication Required");
			Await.until(() -> proxy.server().connection(1).eofSeen(), WAIT, "the proxy to see the client close");
			assertThat(transport.stats().open()).isZero();
			assertThat(transport.stats().destinations()).isEmpty();
		}
	}

	// Go: TestTransportProxyHTTPSConnectLeak
	@Test
	void proxyThatNeverAnswersConnectTimesOutAndTheConnectionIsClosed() throws Exception {
		try (TunnelProxy proxy = TunnelProxy.start(TunnelProxy.Mode.HANG);
				Transport transport = Transport.builder()
					.proxy(proxy.uri(null))
					.dialTimeout(Duration.ofMillis(150))
					.build()) {
			assertThatThrownBy(() -> transport.roundTrip(Request.get("https://127.0.0.1:9/")))
				.isInstanceOfSatisfying(TransportTimeoutException.class,
						(ex) -> assertThat(ex.limit()).isEqualTo(TransportTimeoutException.Limit.DIAL))
				.hasMessageContaining("did not answer CONNECT 127.0.0.1:9 within 150 ms (dial-timeout)");
			Await.until(() -> proxy.server().connection(1).eofSeen(), WAIT, "the proxy to see the client close");
			assertThat(transport.stats().open()).isZero();
		}
	}

	// Go: useProxy ("localhost and loopback addresses are never proxied"), end to end
	@Test
	void environmentProxiesAreNotUsedForLoopbackTargets() throws Exception {
		try (ScriptedServer origin = ScriptedServer.start((ex) -> ex.respond(200, "direct"));
				ScriptedServer proxy = ScriptedServer.start((ex) -> ex.respond(200, "proxied"))) {
			TransportSettings settings = Transport.builder().proxyFromEnvironment(true).build().settings();
			Map<String, String> environment = Map.of("HTTP_PROXY", "127.0.0.1:" + proxy.port());
			Engine engine = new Engine(settings, null, null, TransportListener.NONE, System::nanoTime,
					environment::get);
			try {
				for (String host : new String[] { "127.0.0.1", "localhost" }) {
					URI uri = URI.create("http://" + host + ":" + origin.port() + "/");
					try (Response response = engine.newCall(Request.get(uri)).execute()) {
						assertThat(Fetch.readToEof(response)).isEqualTo("direct");
					}
				}
				assertThat(engine.proxies().forTarget("http", "api.example.com", 80).authority())
					.as("the same environment proxies other hosts")
					.isEqualTo("127.0.0.1:" + proxy.port());
			}
			finally {
				engine.close();
			}
			assertThat(proxy.acceptedConnections()).isZero();
		}
	}

	// Go: TestProxyFromEnvironment, TestProxyFromEnvironmentLowerCase
	@Test
	void environmentNamesAProxyPerSchemeUpperCaseFirst() throws Exception {
		ProxyConfig config = ProxyConfig.fromEnvironment(Map.of("HTTP_PROXY", "http://http-proxy:3128", "https_proxy",
				"https-proxy.internal:8443", "HTTPS_PROXY", "")::get);
		assertThat(config.forTarget("http", "api.example.com", 80).authority()).isEqualTo("http-proxy:3128");
		assertThat(config.forTarget("https", "api.example.com", 443).authority())
			.as("lower case when upper case is empty, and no scheme means http://")
			.isEqualTo("https-proxy.internal:8443");

		ProxyConfig both = ProxyConfig.fromEnvironment(Map.of("HTTP_PROXY", "upper:1", "http_proxy", "lower:2")::get);
		assertThat(both.forTarget("http", "example.com", 80).authority()).isEqualTo("upper:1");
		assertThat(both.forTarget("https", "example.com", 443)).as("no HTTPS_PROXY: direct").isNull();

		ProxyConfig defaultPort = ProxyConfig.fromEnvironment(Map.of("http_proxy", "proxy.internal")::get);
		assertThat(defaultPort.forTarget("http", "example.com", 80).authority()).isEqualTo("proxy.internal:80");

		assertThat(ProxyConfig.fromEnvironment(Map.<String, String>of()::get).isEmpty()).isTrue();
	}

	// Go: httpproxy's TestUseProxy (loopback never proxied)
	@Test
	void localhostAndLoopbackAddressesAreNeverProxied() throws Exception {
		ProxyConfig config = ProxyConfig
			.fromEnvironment(Map.of("HTTP_PROXY", "proxy:3128", "HTTPS_PROXY", "proxy:3128")::get);
		for (String host : new String[] { "localhost", "127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1" }) {
			assertThat(config.forTarget("http", host, 8080)).as(host).isNull();
			assertThat(config.forTarget("https", host, 8443)).as(host).isNull();
		}
		assertThat(config.forTarget("http", "128.0.0.1", 80)).isNotNull();
		assertThat(config.forTarget("http", "localhost.example.com", 80)).isNotNull();
	}

	// Go: httpproxy's proxyForURLTests (NO_PROXY)
	@Test
	void noProxyExceptsDomainsSubdomainsAddressesBlocksAndPorts() throws Exception {
		ProxyConfig config = ProxyConfig.fromEnvironment(Map.of("HTTP_PROXY", "proxy:3128", "NO_PROXY",
				" Example.com, .sub.org ,*.wild.net, only-8080.io:8080, 10.0.0.0/8, 192.168.1.1, [2001:db8::1], junk:port")::get);
		assertThat(proxied(config, "example.com", 80)).isFalse();
		assertThat(proxied(config, "api.example.com", 80)).isFalse();
		assertThat(proxied(config, "notexample.com", 80)).isTrue();
		assertThat(proxied(config, "sub.org", 80)).as("a leading dot: subdomains only").isTrue();
		assertThat(proxied(config, "a.sub.org", 80)).isFalse();
		assertThat(proxied(config, "wild.net", 80)).as("*. as a leading dot").isTrue();
		assertThat(proxied(config, "x.wild.net", 80)).isFalse();
		assertThat(proxied(config, "only-8080.io", 8080)).isFalse();
		assertThat(proxied(config, "only-8080.io", 80)).isTrue();
		assertThat(proxied(config, "10.1.2.3", 80)).isFalse();
		assertThat(proxied(config, "11.1.2.3", 80)).isTrue();
		assertThat(proxied(config, "192.168.1.1", 80)).isFalse();
		assertThat(proxied(config, "192.168.1.2", 80)).isTrue();
		assertThat(proxied(config, "2001:db8::1", 80)).isFalse();
		assertThat(proxied(config, "2001:db8::2", 80)).isTrue();

		ProxyConfig all = ProxyConfig.fromEnvironment(Map.of("HTTPS_PROXY", "proxy:3128", "no_proxy", "*")::get);
		assertThat(all.forTarget("https", "anything.example", 443)).isNull();
	}

	@Test
	void proxyUrlCredentialsBecomeBasicAuthorizationAndAreNeverShown() throws Exception {
		ProxyConfig config = ProxyConfig
			.fromEnvironment(Map.of("HTTPS_PROXY", "http://user:p%40ss%20word@proxy.internal:3128")::get);
		ProxyConfig.Proxy proxy = config.forTarget("https", "api.example.com", 443);
		assertThat(proxy.authorization()).isEqualTo(BASIC_USER_PASS);
		assertThat(proxy.toString()).doesNotContain("p%40ss").doesNotContain("word").contains("proxy.internal:3128");
		assertThat(config.toString()).doesNotContain("p%40ss");
	}

	// Go: httpproxy ("refusing to use HTTP_PROXY value in CGI environment"), parseProxy's
	// scheme check
	@Test
	void unusableEnvironmentProxiesFailTheRequestsTheyWouldCarryWithAClearMessage() throws Exception {
		ProxyConfig socks = ProxyConfig.fromEnvironment(Map.of("HTTPS_PROXY", "socks4://user:secret@proxy:1080")::get);
		assertThatThrownBy(() -> socks.forTarget("https", "api.example.com", 443)).isInstanceOf(IOException.class)
			.hasMessageContaining("HTTPS_PROXY socks4://user:***@proxy:1080 cannot be used")
			.hasMessageContaining("only http://, https:// and socks5:// proxies are supported, not socks4://")
			.hasMessageNotContaining("secret");
		assertThat(socks.forTarget("http", "api.example.com", 80)).as("http has no proxy: direct").isNull();

		ProxyConfig cgi = ProxyConfig
			.fromEnvironment(Map.of("HTTP_PROXY", "evil:80", "HTTPS_PROXY", "good:3128", "REQUEST_METHOD", "GET")::get);
		assertThatThrownBy(() -> cgi.forTarget("http", "api.example.com", 80)).isInstanceOf(IOException.class)
			.hasMessageContaining("Refusing to use HTTP_PROXY")
			.hasMessageContaining("CGI");
		assertThat(cgi.forTarget("https", "api.example.com", 443).authority()).isEqualTo("good:3128");
	}

	private static boolean proxied(ProxyConfig config, String host, int port) throws IOException {
		return config.forTarget("http", host, port) != null;
	}

}
