package dev.roundtrip.spring.integration;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

import dev.roundtrip.spring.http.client.RoundtripClientHttpRequestFactory;
import dev.roundtrip.spring.http.client.TooManyRedirectsException;
import dev.roundtrip.transport.Transport;
import dev.roundtrip.transport.testing.RawServer;
import dev.roundtrip.transport.testing.RecordedRequest;
import dev.roundtrip.transport.testing.ScriptedServer;
import dev.roundtrip.transport.testing.ServerExchange;
import dev.roundtrip.transport.testing.TestCertificates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The redirect rules as an attacker would probe them, through Spring's {@link RestClient}
 * over {@link RoundtripClientHttpRequestFactory}, against servers scripted byte by byte:
 * the hop limit, credentials kept from other hosts ({@code 127.0.0.1} and
 * {@code localhost} are different hosts to the client, one server to the test), no
 * downgrade from {@code https} to {@code http}, a body sent again on 307 and 308 only
 * when it can be, and {@code Location} resolved as RFC 3986 §5 says.
 */
class RedirectSecurityTests {

	private final Transport transport = Transport.builder()
		.sslContext(TestCertificates.clientContextTrusting(TestCertificates.loopback()))
		.build();

	private final RestClient restClient = RestClient.builder()
		.requestFactory(new RoundtripClientHttpRequestFactory(this.transport))
		.build();

	/** Redirects once, to the {@code X-Redirect-To} the request carries; then 200s. */
	private final AtomicBoolean redirected = new AtomicBoolean();

	private final ScriptedServer server = ScriptedServer.start(this::answer);

	@AfterEach
	void close() {
		this.server.close();
		this.transport.close();
	}

	/**
	 * {@code /loop/n} redirects to {@code /loop/n+1} for ever; {@code /chain/n} to
	 * {@code /chain/n-1} down to 0; {@code /to?...} to the URI in its query; a request
	 * with {@code X-Redirect-To} to that, once; anything else is 200 with the target as
	 * the body.
	 */
	private void answer(ServerExchange ex) throws IOException {
		String target = ex.target();
		String to = ex.header("X-Redirect-To");
		String status = (ex.header("X-Status") != null) ? ex.header("X-Status") : "302";
		if (target.startsWith("/loop/")) {
			int n = Integer.parseInt(target.substring("/loop/".length()));
			redirect(ex, status, "/loop/" + (n + 1));
		}
		else if (target.startsWith("/chain/") && !target.equals("/chain/0")) {
			int n = Integer.parseInt(target.substring("/chain/".length()));
			redirect(ex, status, "/chain/" + (n - 1));
		}
		else if (to != null && this.redirected.compareAndSet(false, true)) {
			redirect(ex, status, to);
		}
		else {
			ex.respond(200, ex.method() + " " + target);
		}
	}

	private static void redirect(ServerExchange ex, String status, String location) throws IOException {
		ex.write("HTTP/1.1 " + status + " Redirect\r\nLocation: " + location + "\r\nContent-Length: 0\r\n\r\n");
	}

	// --- the hop limit

	@Test
	void tenRedirectsAreFollowed() {
		assertThat(get("/chain/10")).isEqualTo("GET /chain/0");
		assertThat(this.server.requests()).hasSize(11);
	}

	// Go: TestClientRedirects ("stopped after 10 redirects")
	@Test
	void theEleventhRedirectFailsAndNoTwelfthRequestIsSent() {
		assertThatExceptionOfType(ResourceAccessException.class).isThrownBy(() -> get("/loop/0"))
			.havingCause()
			.isInstanceOfSatisfying(TooManyRedirectsException.class,
					(ex) -> assertThat(ex.getChain()).as("the first request, ten redirects followed, the one refused")
						.hasSize(12)
						.last()
						.asString()
						.endsWith("GET " + this.server.url("/loop/11")));
		assertThat(this.server.requests()).extracting(RecordedRequest::target)
			.as("the first request and ten redirects, then no more")
			.hasSize(11)
			.endsWith("/loop/10");
	}

	// --- credentials and other hosts

	// Go: TestClientRedirectHeaders / makeHeadersCopier (sensitive headers dropped on a
	// new host)
	@ParameterizedTest
	@ValueSource(ints = { 301, 302, 303, 307, 308 })
	void credentialsAndCookiesAreNotSentToAnotherHost(int status) {
		String otherHost = "http://localhost:" + this.server.port() + "/landed";
		String body = this.restClient.get()
			.uri(this.server.uri("/start"))
			.header("Authorization", "Bearer secret")
			.header("Cookie", "session=s3cr3t")
			.header("Proxy-Authorization", "Basic eDp5")
			.header("X-Trace", "t-1")
			.header("X-Redirect-To", otherHost)
			.header("X-Status", String.valueOf(status))
			.retrieve()
			.body(String.class);

		assertThat(body).isEqualTo("GET /landed");
		RecordedRequest landed = this.server.request("/landed");
		assertThat(landed.header("Host")).isEqualTo("localhost:" + this.server.port());
		assertThat(landed.header("Authorization")).isNull();
		assertThat(landed.header("Cookie")).isNull();
		assertThat(landed.header("Proxy-Authorization")).isNull();
		assertThat(landed.header("X-Trace")).as("other headers still go").isEqualTo("t-1");
		assertThat(this.server.request("/start").header("Authorization")).isEqualTo("Bearer secret");
	}

	@Test
	void credentialsGoAlongOnTheSameHost() {
		String body = this.restClient.get()
			.uri(this.server.uri("/start"))
			.header("Authorization", "Bearer secret")
			.header("Cookie", "session=s3cr3t")
			.header("X-Redirect-To", "/landed")
			.retrieve()
			.body(String.class);

		assertThat(body).isEqualTo("GET /landed");
		assertThat(this.server.request("/landed").header("Authorization")).isEqualTo("Bearer secret");
		assertThat(this.server.request("/landed").header("Cookie")).isEqualTo("session=s3cr3t");
	}

	/** The same host name on another port is another origin: credentials stay behind. */
	@Test
	void anotherPortOfTheSameHostIsAnotherHost() {
		try (ScriptedServer other = ScriptedServer.start((ex) -> ex.respond(200, "other"))) {
			String body = this.restClient.get()
				.uri(this.server.uri("/start"))
				.header("Authorization", "Bearer secret")
				.header("X-Redirect-To", other.url("/landed"))
				.retrieve()
				.body(String.class);

			assertThat(body).isEqualTo("other");
			assertThat(other.request("/landed").header("Authorization")).isNull();
		}
	}

	// --- no downgrade

	// Go: TestClientRedirectToHTTP (refused in browsers; Go's client follows; we do not)
	@Test
	void httpsToHttpIsNotFollowed() {
		try (RawServer https = RawServer.startTls(TestCertificates.serverContext(TestCertificates.loopback()),
				(conn) -> {
					while (conn.readHead() != null) {
						conn.write("HTTP/1.1 302 Found\r\nLocation: " + this.server.url("/insecure")
								+ "\r\nContent-Length: 0\r\n\r\n");
					}
				})) {
			ResponseEntity<String> response = this.restClient.get()
				.uri(https.uri("https", "/secure"))
				.header("Authorization", "Bearer secret")
				.retrieve()
				.toEntity(String.class);

			assertThat(response.getStatusCode()).isEqualTo(HttpStatus.FOUND);
			assertThat(response.getHeaders().getLocation()).isEqualTo(this.server.uri("/insecure"));
			assertThat(this.server.requests()).as("nothing went out in the clear").isEmpty();
			assertThat(this.server.acceptedConnections()).isZero();
		}
	}

	// --- 307 and 308: the body again only when it can be written again

	@ParameterizedTest
	@ValueSource(ints = { 307, 308 })
	void repeatableBodyIsSentAgainWithTheSameMethod(int status) {
		String body = this.restClient.post()
			.uri(this.server.uri("/upload"))
			.header("X-Redirect-To", "/uploaded")
			.header("X-Status", String.valueOf(status))
			.body("payload".getBytes(StandardCharsets.UTF_8))
			.retrieve()
			.body(String.class);

		assertThat(body).isEqualTo("POST /uploaded");
		assertThat(this.server.request("/uploaded").body()).asString(StandardCharsets.UTF_8).isEqualTo("payload");
	}

	@ParameterizedTest
	@ValueSource(ints = { 307, 308 })
	void streamedBodyIsNotSentTwiceTheRedirectIsReturnedAsItIs(int status) {
		ResponseEntity<String> response = this.restClient.post()
			.uri(this.server.uri("/upload"))
			.header("X-Redirect-To", "/uploaded")
			.header("X-Status", String.valueOf(status))
			.body((out) -> out.write("streamed once".getBytes(StandardCharsets.UTF_8)))
			.retrieve()
			.toEntity(String.class);

		assertThat(response.getStatusCode().value()).isEqualTo(status);
		assertThat(this.server.requests()).extracting(RecordedRequest::target).containsExactly("/upload");
		assertThat(this.server.request("/upload").body()).asString(StandardCharsets.UTF_8).isEqualTo("streamed once");
	}

	@ParameterizedTest
	@ValueSource(ints = { 301, 302, 303 })
	void postRedirectedBy301To303BecomesAGetWithoutBody(int status) {
		String body = this.restClient.post()
			.uri(this.server.uri("/form"))
			.header("X-Redirect-To", "/result")
			.header("X-Status", String.valueOf(status))
			.header("Content-Type", "text/plain")
			.body("field=1")
			.retrieve()
			.body(String.class);

		assertThat(body).isEqualTo("GET /result");
		RecordedRequest result = this.server.request("/result");
		assertThat(result.header("Content-Length")).isNull();
		assertThat(result.header("Content-Type")).isNull();
		assertThat(result.body()).isEmpty();
	}

	// --- RFC 3986 reference resolution

	/** The example of issue 10: a query-only reference keeps the path. */
	@Test
	void queryOnlyLocationKeepsThePath() {
		assertThat(redirectFrom("/items/list?page=1", "?page=2")).isEqualTo("GET /items/list?page=2");
	}

	/**
	 * RFC 3986 §5.4.1 and §5.4.2, base {@code http://a/b/c/d;p?q} (here on 127.0.0.1):
	 * the target the server receives after a redirect to each reference. References to
	 * another host or scheme ({@code g:h}, {@code //g}) and the empty one are left out.
	 */
	@ParameterizedTest(name = "Location: \"{0}\" -> {1}")
	@CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
			g             | /b/c/g
			./g           | /b/c/g
			g/            | /b/c/g/
			/g            | /g
			?y            | /b/c/d;p?y
			g?y           | /b/c/g?y
			#s            | /b/c/d;p?q
			g#s           | /b/c/g
			g?y#s         | /b/c/g?y
			;x            | /b/c/;x
			g;x           | /b/c/g;x
			g;x?y#s       | /b/c/g;x?y
			.             | /b/c/
			./            | /b/c/
			..            | /b/
			../           | /b/
			../g          | /b/g
			../..         | /
			../../        | /
			../../g       | /g
			../../../g    | /g
			../../../../g | /g
			/./g          | /g
			/../g         | /g
			g.            | /b/c/g.
			.g            | /b/c/.g
			g..           | /b/c/g..
			..g           | /b/c/..g
			./../g        | /b/g
			./g/.         | /b/c/g/
			g/./h         | /b/c/g/h
			g/../h        | /b/c/h
			g;x=1/./y     | /b/c/g;x=1/y
			g;x=1/../y    | /b/c/y
			g?y/./x       | /b/c/g?y/./x
			g?y/../x      | /b/c/g?y/../x
			g#s/./x       | /b/c/g
			g#s/../x      | /b/c/g
			""")
	void locationIsResolvedAsRfc3986Says(String location, String target) {
		assertThat(redirectFrom("/b/c/d;p?q", location)).isEqualTo("GET " + target);
	}

	/** GETs {@code from}, which redirects to {@code location}; returns what answered. */
	private String redirectFrom(String from, String location) {
		return this.restClient.get()
			.uri(this.server.uri(from))
			.header("X-Redirect-To", location)
			.retrieve()
			.body(String.class);
	}

	private String get(String path) {
		return this.restClient.get().uri(this.server.uri(path)).retrieve().body(String.class);
	}

}
