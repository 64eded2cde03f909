package dev.roundtrip.spring.integration;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * With one connection allowed per host, a response whose body is left unread would hold
 * the only slot if closing it did not release the connection.
 */
@SpringBootTest(classes = IntegrationTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "roundtrip.transport.max-conns-per-host=1")
class UnreadBodyIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	RestClient.Builder restClientBuilder;

	@Autowired
	ServerConnections server;

	@Test
	void exchangeLeavingALargeBodyUnreadDoesNotWedgeThePool() {
		RestClient restClient = this.restClientBuilder.baseUrl("http://localhost:" + this.port).build();
		assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
			for (int i = 0; i < 5; i++) {
				HttpStatusCode status = restClient.get()
					.uri("/bytes/4000000")
					.exchange((request, response) -> response.getStatusCode());
				assertThat(status.value()).isEqualTo(200);
				assertThat(restClient.get().uri("/bytes/4000000").retrieve().toBodilessEntity().getStatusCode().value())
					.isEqualTo(200);
			}
			assertThat(restClient.get().uri("/hello").retrieve().body(String.class)).isEqualTo("Hello, World!");
		});
		assertThat(this.server.count()).isGreaterThan(1);
	}

}
