package dev.roundtrip.spring.integration;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.HttpRedirects;
import org.springframework.boot.restclient.RestTemplateBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.StreamingHttpOutputMessage;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;

import dev.roundtrip.spring.http.client.TooManyRedirectsException;
import dev.roundtrip.transport.Transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The auto-configured {@code RestClient.Builder} and {@code RestTemplateBuilder} against
 * an embedded Tomcat: one pool for all of them, connections reused, redirects followed as
 * the factory's rules say.
 */
@SpringBootTest(classes = IntegrationTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
class RestClientIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	RestClient.Builder firstBuilder;

	@Autowired
	RestClient.Builder secondBuilder;

	@Autowired
	RestTemplateBuilder restTemplateBuilder;

	@Autowired
	ClientHttpRequestFactoryBuilder<?> requestFactoryBuilder;

	@Autowired
	HelloService helloService;

	@Autowired
	Transport transport;

	@Autowired
	ServerConnections server;

	@Autowired
	ClientConnections client;

	RestClient restClient;

	@BeforeEach
	void startFromAnEmptyPool() {
		this.transport.closeIdleConnections();
		this.server.reset();
		this.client.reset();
		this.restClient = this.firstBuilder.baseUrl(baseUrl()).build();
	}

	@Test
	void fiftySequentialRequestsUseOneConnection() {
		for (int i = 0; i < 50; i++) {
			assertThat(this.restClient.get().uri("/hello").retrieve().body(String.class)).isEqualTo("Hello, World!");
		}
		assertThat(this.server.count()).isEqualTo(1);
		assertThat(this.client.dialed()).isEqualTo(1);
		assertThat(this.client.reused()).isEqualTo(49);
	}

	@Test
	void twoInjectedRestClientsShareOnePool() {
		assertThat(this.firstBuilder).isNotSameAs(this.secondBuilder);
		RestClient second = this.secondBuilder.baseUrl(baseUrl()).build();
		for (int i = 0; i < 10; i++) {
			assertThat(this.restClient.get().uri("/hello").retrieve().body(String.class)).isEqualTo("Hello, World!");
			assertThat(second.get().uri("/hello").retrieve().body(String.class)).isEqualTo("Hello, World!");
		}
		assertThat(this.server.count()).isEqualTo(1);
		assertThat(this.client.dialed()).isEqualTo(1);
	}

	@Test
	void restTemplatesShareThePoolToo() {
		RestTemplate restTemplate = this.restTemplateBuilder.rootUri(baseUrl()).build();
		for (int i = 0; i < 5; i++) {
			assertThat(restTemplate.getForObject("/hello", String.class)).isEqualTo("Hello, World!");
			assertThat(this.restClient.get().uri("/hello").retrieve().body(String.class)).isEqualTo("Hello, World!");
		}
		assertThat(this.server.count()).isEqualTo(1);
	}

	@Test
	void httpServiceClientsSendThroughTheTransport() {
		for (int i = 0; i < 3; i++) {
			assertThat(this.helloService.hello(URI.create(baseUrl() + "/hello"))).isEqualTo("Hello, World!");
			assertThat(this.restClient.get().uri("/hello").retrieve().body(String.class)).isEqualTo("Hello, World!");
		}
		assertThat(this.client.dialed()).isEqualTo(1);
		assertThat(this.client.reused()).isEqualTo(5);
		assertThat(this.server.count()).isEqualTo(1);
	}

	@Test
	void exchangeThatLeavesASmallBodyUnreadKeepsTheConnection() {
		for (int i = 0; i < 6; i++) {
			HttpStatus status = this.restClient.get()
				.uri("/bytes/100")
				.exchange((request, response) -> HttpStatus.valueOf(response.getStatusCode().value()));
			assertThat(status).isEqualTo(HttpStatus.OK);
		}
		assertThat(this.server.count()).isEqualTo(1);
	}

	@Test
	void headersAndStreamedBodiesGetThrough() {
		ResponseEntity<String> response = this.restClient.post()
			.uri("/echo")
			.header("X-Test", "value")
			.body((StreamingHttpOutputMessage.Body) (out) -> out.write("streamed".getBytes()))
			.retrieve()
			.toEntity(String.class);
		assertThat(response.getBody()).isEqualTo("POST body=streamed auth=- x-test=value");
		assertThat(response.getHeaders().getFirst("X-Echo-Method")).isEqualTo("POST");
	}

	@Test
	void redirectChainIsFollowedOnOneConnection() {
		assertThat(this.restClient.get().uri("/redirect/5").retrieve().body(String.class)).isEqualTo("arrived");
		assertThat(this.server.count()).isEqualTo(1);
		assertThat(this.client.dialed()).isEqualTo(1);
	}

	@Test
	void redirectLoopStopsAfterTenRedirectsNamingTheChain() {
		assertThatExceptionOfType(ResourceAccessException.class)
			.isThrownBy(() -> this.restClient.get().uri("/loop").retrieve().body(String.class))
			.havingRootCause()
			.isInstanceOfSatisfying(TooManyRedirectsException.class, (ex) -> {
				assertThat(ex).hasMessageStartingWith("Stopped after 10 redirects: GET " + baseUrl() + "/loop -> 302");
				assertThat(ex.getChain()).hasSize(12);
			});
		assertThat(this.server.count()).isEqualTo(1);
	}

	@Test
	void seeOtherTurnsPostIntoGetWithoutBody() {
		String body = this.restClient.post()
			.uri("/status/303?location=/echo")
			.body("payload")
			.retrieve()
			.body(String.class);
		assertThat(body).isEqualTo("GET body= auth=- x-test=null");
	}

	@Test
	void temporaryRedirectRepeatsPostWithItsRepeatableBody() {
		String body = this.restClient.post()
			.uri("/status/307?location=/echo")
			.body("payload")
			.retrieve()
			.body(String.class);
		assertThat(body).isEqualTo("POST body=payload auth=- x-test=null");
	}

	@Test
	void temporaryRedirectWithABodyThatCannotBeRepeatedIsReturnedAsItIs() {
		StreamingHttpOutputMessage.Body once = new StreamingHttpOutputMessage.Body() {

			@Override
			public void writeTo(OutputStream outputStream) throws IOException {
				outputStream.write("payload".getBytes());
			}

		};
		ResponseEntity<Void> response = this.restClient.post()
			.uri("/status/308?location=/echo")
			.body(once)
			.retrieve()
			.toBodilessEntity();
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.PERMANENT_REDIRECT);
	}

	@Test
	void credentialsFollowRedirectsOnTheSameHostOnly() {
		String sameHost = this.restClient.get()
			.uri("/status/302?location=/echo")
			.header("Authorization", "Bearer token")
			.retrieve()
			.body(String.class);
		assertThat(sameHost).isEqualTo("GET body= auth=Bearer token x-test=null");
		String otherHost = this.restClient.get()
			.uri("/status/302?location=http://127.0.0.1:" + this.port + "/echo")
			.header("Authorization", "Bearer token")
			.header("X-Test", "kept")
			.retrieve()
			.body(String.class);
		assertThat(otherHost).isEqualTo("GET body= auth=- x-test=kept");
	}

	@Test
	void redirectsAreNotFollowedWhenTheSettingsSaySo() {
		RestClient notFollowing = RestClient.builder()
			.baseUrl(baseUrl())
			.requestFactory(this.requestFactoryBuilder
				.build(HttpClientSettings.defaults().withRedirects(HttpRedirects.DONT_FOLLOW)))
			.build();
		ResponseEntity<String> response = notFollowing.get().uri("/redirect/1").retrieve().toEntity(String.class);
		assertThat(response.getStatusCode()).isEqualTo(HttpStatus.FOUND);
		assertThat(response.getHeaders().getLocation()).hasPath("/redirect/0");
		assertThat(response.getBody()).isEqualTo("moving on, 1 to go");
	}

	private String baseUrl() {
		return "http://localhost:" + this.port;
	}

}
