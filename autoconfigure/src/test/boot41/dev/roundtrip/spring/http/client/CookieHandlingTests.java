package dev.roundtrip.spring.http.client;

import java.io.IOException;
import java.net.CookieManager;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.HttpCookieHandling;
import org.springframework.http.HttpHeaders;
import org.springframework.web.client.RestClient;

import dev.roundtrip.transport.Transport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Boot 4.1's {@code HttpClientSettings.cookieHandling()}: a {@link CookieManager} per
 * built factory when enabled, none otherwise.
 */
class CookieHandlingTests {

	private final Transport transport = Transport.builder().build();

	private final RoundtripClientHttpRequestFactoryBuilder builder = new RoundtripClientHttpRequestFactoryBuilder(
			this.transport);

	private final CookieServer server;

	CookieHandlingTests() throws IOException {
		this.server = new CookieServer();
	}

	@AfterEach
	void close() {
		this.server.close();
		this.transport.close();
	}

	@ParameterizedTest
	@EnumSource(value = HttpCookieHandling.class, names = { "ENABLE", "ENABLE_WHEN_POSSIBLE" })
	void enabledCookiesAreKeptAndSentBack(HttpCookieHandling handling) {
		RestClient client = client(handling);
		client.get().uri(this.server.uri("/login")).retrieve().toBodilessEntity();
		assertThat(client.get().uri(this.server.uri("/echo")).retrieve().body(String.class)).isEqualTo("session=s1");
	}

	@Test
	void eachBuiltFactoryHasItsOwnCookies() {
		RestClient first = client(HttpCookieHandling.ENABLE);
		RestClient second = client(HttpCookieHandling.ENABLE);
		assertThat(((RoundtripClientHttpRequestFactory) this.builder
			.build(HttpClientSettings.defaults().withCookieHandling(HttpCookieHandling.ENABLE))).getCookieHandler())
			.isInstanceOf(CookieManager.class);
		first.get().uri(this.server.uri("/login")).retrieve().toBodilessEntity();
		assertThat(second.get().uri(this.server.uri("/echo")).retrieve().body(String.class)).isNull();
	}

	@Test
	void aCookieSetByARedirectGoesWithTheNextHop() {
		RestClient client = client(HttpCookieHandling.ENABLE);
		assertThat(client.get().uri(this.server.uri("/redirect-login")).retrieve().body(String.class))
			.isEqualTo("hop=h1");
	}

	@Test
	void storedCookiesJoinTheCallersOwnInOneHeader() {
		RestClient client = client(HttpCookieHandling.ENABLE);
		client.get().uri(this.server.uri("/login")).retrieve().toBodilessEntity();
		assertThat(client.get()
			.uri(this.server.uri("/echo"))
			.header(HttpHeaders.COOKIE, "own=o1")
			.retrieve()
			.body(String.class)).isEqualTo("own=o1; session=s1");
	}

	@Test
	void disabledOrUnsetKeepsNoCookies() {
		for (HttpCookieHandling handling : new HttpCookieHandling[] { HttpCookieHandling.DISABLE, null }) {
			RestClient client = client(handling);
			client.get().uri(this.server.uri("/login")).retrieve().toBodilessEntity();
			assertThat(client.get().uri(this.server.uri("/echo")).retrieve().body(String.class)).isNull();
		}
		assertThat(((RoundtripClientHttpRequestFactory) this.builder
			.build(HttpClientSettings.defaults().withCookieHandling(HttpCookieHandling.DISABLE))).getCookieHandler())
			.isNull();
	}

	private RestClient client(HttpCookieHandling handling) {
		return RestClient.builder()
			.requestFactory(this.builder.build(HttpClientSettings.defaults().withCookieHandling(handling)))
			.build();
	}

}
