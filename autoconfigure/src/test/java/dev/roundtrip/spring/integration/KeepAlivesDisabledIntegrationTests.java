package dev.roundtrip.spring.integration;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.client.RestClient;

import dev.roundtrip.transport.CloseReason;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code roundtrip.transport.disable-keep-alives=true}: one connection per request,
 * closed after it.
 */
@SpringBootTest(classes = IntegrationTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "roundtrip.transport.disable-keep-alives=true")
class KeepAlivesDisabledIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	RestClient.Builder restClientBuilder;

	@Autowired
	ServerConnections server;

	@Autowired
	ClientConnections client;

	@Test
	void fiftySequentialRequestsUseFiftyConnections() {
		RestClient restClient = this.restClientBuilder.baseUrl("http://localhost:" + this.port).build();
		for (int i = 0; i < 50; i++) {
			assertThat(restClient.get().uri("/hello").retrieve().body(String.class)).isEqualTo("Hello, World!");
		}
		assertThat(this.server.count()).isEqualTo(50);
		assertThat(this.client.dialed()).isEqualTo(50);
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(this.client.closed(CloseReason.KEEP_ALIVES_DISABLED)).isEqualTo(50));
	}

}
