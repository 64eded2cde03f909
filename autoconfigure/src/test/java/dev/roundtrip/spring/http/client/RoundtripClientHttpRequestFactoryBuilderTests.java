package dev.roundtrip.spring.http.client;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.HttpRedirects;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundleKey;
import org.springframework.boot.ssl.SslOptions;
import org.springframework.boot.ssl.SslStoreBundle;

import dev.roundtrip.transport.Transport;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link HttpClientSettings} applied per factory, over one shared transport. */
class RoundtripClientHttpRequestFactoryBuilderTests {

	private final Transport transport = Transport.builder().build();

	private final RoundtripClientHttpRequestFactoryBuilder builder = new RoundtripClientHttpRequestFactoryBuilder(
			this.transport);

	@AfterEach
	void closeTransport() {
		this.transport.close();
	}

	@Test
	void defaultsLeaveTheTransportsTimeoutsAndFollowRedirects() {
		RoundtripClientHttpRequestFactory factory = this.builder.build();
		assertThat(factory.getConnectTimeout()).isNull();
		assertThat(factory.getReadTimeout()).isNull();
		assertThat(factory.getSslContext()).isNull();
		assertThat(factory.isFollowRedirects()).isTrue();
	}

	@Test
	void timeoutsApplyToTheFactory() {
		RoundtripClientHttpRequestFactory factory = this.builder
			.build(HttpClientSettings.defaults().withTimeouts(Duration.ofSeconds(2), Duration.ofMillis(100)));
		assertThat(factory.getConnectTimeout()).isEqualTo(Duration.ofSeconds(2));
		assertThat(factory.getReadTimeout()).isEqualTo(Duration.ofMillis(100));
	}

	@ParameterizedTest
	@EnumSource(HttpRedirects.class)
	void redirectsAreFollowedUnlessDontFollow(HttpRedirects redirects) {
		RoundtripClientHttpRequestFactory factory = this.builder
			.build(HttpClientSettings.defaults().withRedirects(redirects));
		assertThat(factory.isFollowRedirects()).isEqualTo(redirects != HttpRedirects.DONT_FOLLOW);
	}

	@Test
	void everyFactorySendsThroughTheOneTransport() {
		RoundtripClientHttpRequestFactory first = this.builder.build();
		RoundtripClientHttpRequestFactory second = this.builder.withCustomizer((factory) -> {
		}).build(HttpClientSettings.defaults().withReadTimeout(Duration.ofSeconds(1)));
		assertThat(first).isNotSameAs(second);
		assertThat(first.getTransport()).isSameAs(this.transport).isSameAs(second.getTransport());
	}

	@Test
	void oneSslContextPerBundleSharedByEveryFactory() {
		SslBundle bundle = SslBundle.of(SslStoreBundle.NONE);
		SslBundle other = SslBundle.of(SslStoreBundle.NONE);
		SSLContext first = this.builder.build(HttpClientSettings.ofSslBundle(bundle)).getSslContext();
		SSLContext second = this.builder.withCustomizer((factory) -> {
		}).build(HttpClientSettings.ofSslBundle(bundle)).getSslContext();
		SSLContext third = this.builder.build(HttpClientSettings.ofSslBundle(other)).getSslContext();
		assertThat(first).isNotNull().isSameAs(second);
		assertThat(third).isNotNull().isNotSameAs(first);
	}

	@Test
	void bundleOptionsApplyToEverySocket() throws IOException {
		SslBundle bundle = SslBundle.of(SslStoreBundle.NONE, SslBundleKey.NONE,
				SslOptions.of(new String[] { "TLS_AES_128_GCM_SHA256" }, new String[] { "TLSv1.3" }));
		SSLContext context = this.builder.build(HttpClientSettings.ofSslBundle(bundle)).getSslContext();
		try (Socket socket = context.getSocketFactory().createSocket()) {
			assertThat(((SSLSocket) socket).getEnabledProtocols()).containsExactly("TLSv1.3");
			assertThat(((SSLSocket) socket).getEnabledCipherSuites()).containsExactly("TLS_AES_128_GCM_SHA256");
		}
		assertThat(context.getDefaultSSLParameters().getProtocols()).containsExactly("TLSv1.3");
		assertThat(context.createSSLEngine("api.test", 443).getEnabledProtocols()).containsExactly("TLSv1.3");
	}

	@Test
	void customizersRunAfterTheSettingsInOrder() {
		RoundtripClientHttpRequestFactory factory = this.builder
			.withCustomizer((f) -> f.setReadTimeout(Duration.ofSeconds(1)))
			.withCustomizer((f) -> f.setReadTimeout(f.getReadTimeout().plusSeconds(1)))
			.build(HttpClientSettings.defaults().withReadTimeout(Duration.ofSeconds(9)));
		assertThat(factory.getReadTimeout()).isEqualTo(Duration.ofSeconds(2));
	}

}
