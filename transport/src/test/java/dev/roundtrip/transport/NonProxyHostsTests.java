package dev.roundtrip.transport;

import java.net.URI;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.roundtrip.transport.internal.ProxyConfig;
import dev.roundtrip.transport.testing.Fetch;
import dev.roundtrip.transport.testing.ScriptedServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code proxy.non-proxy-hosts}: the {@code NO_PROXY} rules as a setting, for
 * {@code proxy.url} and in place of the variable with {@code proxy.from-environment}.
 */
class NonProxyHostsTests {

	@Test
	void nonProxyHostsExceptDestinationsFromTheFixedProxy() throws Exception {
		TransportSettings settings = Transport.builder()
			.proxy(URI.create("http://proxy.internal:3128"))
			.nonProxyHosts("internal.example.com, .svc.cluster.local, 10.0.0.0/8")
			.build()
			.settings();
		ProxyConfig config = ProxyConfig.of(settings, Map.<String, String>of()::get);
		assertThat(config.forTarget("http", "internal.example.com", 80)).isNull();
		assertThat(config.forTarget("https", "api.svc.cluster.local", 443)).isNull();
		assertThat(config.forTarget("http", "10.1.2.3", 8080)).isNull();
		assertThat(config.forTarget("http", "api.example.com", 80).authority()).isEqualTo("proxy.internal:3128");
		assertThat(config.forTarget("http", "127.0.0.1", 80)).as("proxy.url proxies loopback unless listed")
			.isNotNull();
	}

	// Go: httpproxy matches the IDNA (punycode) form of both the rule and the host
	@Test
	void internationalizedNamesMatchInEitherForm() throws Exception {
		ProxyConfig unicodeRule = ProxyConfig.of(Transport.builder()
			.proxy(URI.create("http://proxy.internal:3128"))
			.nonProxyHosts("BÜCHER.example, .köln.example")
			.build()
			.settings(), Map.<String, String>of()::get);
		assertThat(unicodeRule.forTarget("http", "xn--bcher-kva.example", 80)).isNull();
		assertThat(unicodeRule.forTarget("https", "shop.xn--bcher-kva.example", 443)).isNull();
		assertThat(unicodeRule.forTarget("http", "bücher.example", 80)).isNull();
		assertThat(unicodeRule.forTarget("http", "dom.xn--kln-sna.example", 80)).isNull();
		assertThat(unicodeRule.forTarget("http", "xn--kln-sna.example", 80)).as("a leading dot: subdomains only")
			.isNotNull();
		assertThat(unicodeRule.forTarget("http", "xn--bcher-kva.example.org", 80)).isNotNull();
		assertThat(unicodeRule.forTarget("http", "buecher.example", 80)).isNotNull();

		ProxyConfig asciiRule = ProxyConfig
			.fromEnvironment(Map.of("HTTP_PROXY", "proxy:3128", "NO_PROXY", "xn--bcher-kva.example:8080")::get);
		assertThat(asciiRule.forTarget("http", "bücher.example", 8080)).isNull();
		assertThat(asciiRule.forTarget("http", "www.bücher.example", 8080)).isNull();
		assertThat(asciiRule.forTarget("http", "bücher.example", 80)).as("another port").isNotNull();
	}

	@Test
	void withProxyFromEnvironmentNonProxyHostsReplacesTheNoProxyVariable() throws Exception {
		TransportSettings settings = Transport.builder()
			.proxyFromEnvironment(true)
			.nonProxyHosts("only-this.example.com")
			.build()
			.settings();
		ProxyConfig config = ProxyConfig.of(settings,
				Map.of("HTTP_PROXY", "proxy:3128", "NO_PROXY", "from-the-variable.example.com")::get);
		assertThat(config.forTarget("http", "only-this.example.com", 80)).isNull();
		assertThat(config.forTarget("http", "from-the-variable.example.com", 80)).isNotNull();

		ProxyConfig variableOnly = ProxyConfig.of(Transport.builder().proxyFromEnvironment(true).build().settings(),
				Map.of("HTTP_PROXY", "proxy:3128", "NO_PROXY", "from-the-variable.example.com")::get);
		assertThat(variableOnly.forTarget("http", "from-the-variable.example.com", 80)).isNull();
	}

	@Test
	void aListedDestinationIsReachedDirectlyThoughAProxyIsSet() throws Exception {
		try (ScriptedServer server = ScriptedServer.start((ex) -> ex.respond(200, "direct"));
				Transport transport = Transport.builder()
					.proxy(URI.create("http://127.0.0.1:9"))
					.nonProxyHosts("127.0.0.1")
					.build()) {
			assertThat(Fetch.text(transport, server.uri("/"))).isEqualTo("direct");
		}
	}

	@Test
	void theSettingIsCopiedByTheBuilderAndBlankMeansNone() {
		TransportSettings settings = Transport.builder().nonProxyHosts("a.example.com").build().settings();
		assertThat(Transport.builder().settings(settings).build().settings().nonProxyHosts())
			.isEqualTo("a.example.com");
		assertThat(Transport.builder().nonProxyHosts(" ").build().settings().nonProxyHosts()).isNull();
		assertThat(TransportSettings.DEFAULTS.nonProxyHosts()).isNull();
	}

}
