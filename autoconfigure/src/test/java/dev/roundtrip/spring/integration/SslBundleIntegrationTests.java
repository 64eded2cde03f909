package dev.roundtrip.spring.integration;

import javax.net.ssl.SSLException;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

import dev.roundtrip.spring.testing.TestCertificates;
import dev.roundtrip.transport.Transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code spring.http.clients.ssl.bundle} against an HTTPS embedded Tomcat whose
 * certificate is made for this test: trusted through the bundle, pooled across every
 * client of that bundle, never shared with another bundle, and refused for a host name it
 * was not issued to.
 */
@SpringBootTest(classes = IntegrationTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.ssl.bundle=server", "spring.http.clients.ssl.bundle=client" })
class SslBundleIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	RestClient.Builder firstBuilder;

	@Autowired
	RestClient.Builder secondBuilder;

	@Autowired
	ClientHttpRequestFactoryBuilder<?> requestFactoryBuilder;

	@Autowired
	SslBundles sslBundles;

	@Autowired
	Transport transport;

	@Autowired
	ServerConnections server;

	@DynamicPropertySource
	static void certificates(DynamicPropertyRegistry registry) throws Exception {
		TestCertificates certificates = TestCertificates.generate();
		registry.add("spring.ssl.bundle.jks.server.keystore.location", () -> "file:" + certificates.keyStore());
		registry.add("spring.ssl.bundle.jks.server.keystore.password", () -> TestCertificates.PASSWORD);
		registry.add("spring.ssl.bundle.jks.server.keystore.type", () -> "PKCS12");
		for (String client : new String[] { "client", "other-client" }) {
			String prefix = "spring.ssl.bundle.jks." + client + ".truststore.";
			registry.add(prefix + "location", () -> "file:" + certificates.trustStore());
			registry.add(prefix + "password", () -> TestCertificates.PASSWORD);
			registry.add(prefix + "type", () -> "PKCS12");
		}
	}

	@BeforeEach
	void startFromAnEmptyPool() {
		this.transport.closeIdleConnections();
		this.server.reset();
	}

	@Test
	void clientsOfTheSameBundleShareOneConnection() {
		RestClient first = this.firstBuilder.baseUrl(baseUrl("localhost")).build();
		RestClient second = this.secondBuilder.baseUrl(baseUrl("localhost")).build();
		for (int i = 0; i < 5; i++) {
			assertThat(first.get().uri("/hello").retrieve().body(String.class)).isEqualTo("Hello, World!");
			assertThat(second.get().uri("/hello").retrieve().body(String.class)).isEqualTo("Hello, World!");
		}
		assertThat(this.server.count()).isEqualTo(1);
	}

	@Test
	void anotherBundleNeverGetsTheFirstBundlesConnections() {
		RestClient first = this.firstBuilder.baseUrl(baseUrl("localhost")).build();
		RestClient other = RestClient.builder()
			.baseUrl(baseUrl("localhost"))
			.requestFactory(this.requestFactoryBuilder
				.build(HttpClientSettings.ofSslBundle(this.sslBundles.getBundle("other-client"))))
			.build();
		for (int i = 0; i < 3; i++) {
			assertThat(first.get().uri("/hello").retrieve().body(String.class)).isEqualTo("Hello, World!");
			assertThat(other.get().uri("/hello").retrieve().body(String.class)).isEqualTo("Hello, World!");
		}
		assertThat(this.server.count()).isEqualTo(2);
	}

	@Test
	void hostnameVerificationRejectsACertificateIssuedToAnotherName() {
		RestClient byAddress = this.firstBuilder.baseUrl(baseUrl("127.0.0.1")).build();
		assertThatExceptionOfType(ResourceAccessException.class)
			.isThrownBy(() -> byAddress.get().uri("/hello").retrieve().body(String.class))
			.withCauseInstanceOf(SSLException.class);
	}

	@Test
	void withoutTheBundleTheServerIsNotTrusted() {
		RestClient withoutBundle = RestClient.builder()
			.baseUrl(baseUrl("localhost"))
			.requestFactory(this.requestFactoryBuilder.build())
			.build();
		assertThatExceptionOfType(ResourceAccessException.class)
			.isThrownBy(() -> withoutBundle.get().uri("/hello").retrieve().body(String.class))
			.withCauseInstanceOf(SSLException.class);
	}

	private String baseUrl(String host) {
		return "https://" + host + ":" + this.port;
	}

}
