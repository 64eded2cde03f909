package dev.roundtrip.spring.http.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.time.Duration;

import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.roundtrip.transport.Headers;
import dev.roundtrip.transport.Request;
import dev.roundtrip.transport.Response;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

/**
 * The redirect rules, decided on requests and responses alone: which redirect is
 * followed, with what method, body and headers.
 */
class RedirectsTests {

	private static final Request.Body UNREPEATABLE = new Request.Body() {

		@Override
		public long contentLength() {
			return 2;
		}

		@Override
		public void writeTo(OutputStream out) throws IOException {
			out.write("hi".getBytes());
		}

	};

	@ParameterizedTest
	@ValueSource(ints = { 301, 302, 303 })
	void postIsRedirectedAsGetWithoutBody(int status) throws IOException {
		Request post = Request.builder("POST", URI.create("http://api.test/orders"))
			.header("Content-Type", "text/plain")
			.header("Content-Language", "en")
			.header("Accept", "text/plain")
			.body(Request.Body.of("hi"))
			.build();
		Request next = Redirects.next(post, redirect(post, status, "/orders/1"));
		assertThat(next.method()).isEqualTo("GET");
		assertThat(next.uri()).isEqualTo(URI.create("http://api.test/orders/1"));
		assertThat(next.body()).isNull();
		assertThat(next.headers().contains("Content-Type")).isFalse();
		assertThat(next.headers().contains("Content-Language")).isFalse();
		assertThat(next.headers().get("Accept")).isEqualTo("text/plain");
	}

	@ParameterizedTest
	@ValueSource(ints = { 301, 302, 303 })
	void headStaysHead(int status) throws IOException {
		Request head = Request.builder("HEAD", URI.create("http://api.test/a")).build();
		assertThat(Redirects.next(head, redirect(head, status, "/b")).method()).isEqualTo("HEAD");
	}

	@ParameterizedTest
	@ValueSource(ints = { 307, 308 })
	void temporaryAndPermanentRedirectsKeepMethodAndRepeatableBody(int status) throws IOException {
		Request.Body body = Request.Body.of("hi");
		Request put = Request.builder("PUT", URI.create("http://api.test/a"))
			.header("Content-Type", "text/plain")
			.body(body)
			.build();
		Request next = Redirects.next(put, redirect(put, status, "/b"));
		assertThat(next.method()).isEqualTo("PUT");
		assertThat(next.body()).isSameAs(body);
		assertThat(next.headers().get("Content-Type")).isEqualTo("text/plain");
	}

	@ParameterizedTest
	@ValueSource(ints = { 307, 308 })
	void temporaryAndPermanentRedirectsWithUnrepeatableBodyAreReturnedAsTheyAre(int status) throws IOException {
		Request post = Request.builder("POST", URI.create("http://api.test/a")).body(UNREPEATABLE).build();
		assertThat(Redirects.next(post, redirect(post, status, "/b"))).isNull();
	}

	@ParameterizedTest
	@ValueSource(ints = { 200, 204, 300, 304, 305, 306, 400, 500 })
	void otherStatusesAreNotRedirects(int status) throws IOException {
		Request get = Request.get("http://api.test/a");
		assertThat(Redirects.next(get, redirect(get, status, "/b"))).isNull();
	}

	@Test
	void redirectWithoutLocationIsReturnedAsItIs() throws IOException {
		Request get = Request.get("http://api.test/a");
		Response response = new Response(get, "HTTP/1.1", 302, "Found", Headers.EMPTY, InputStream.nullInputStream());
		assertThat(Redirects.next(get, response)).isNull();
	}

	@Test
	void credentialsAreNotSentToAnotherHost() throws IOException {
		Request get = Request.builder("GET", URI.create("http://api.test/a"))
			.header("Authorization", "Bearer secret")
			.header("Cookie", "session=1")
			.header("Proxy-Authorization", "Basic eDp5")
			.header("X-Trace", "t1")
			.build();
		Request next = Redirects.next(get, redirect(get, 302, "http://elsewhere.test/b"));
		assertThat(next.headers().contains("Authorization")).isFalse();
		assertThat(next.headers().contains("Cookie")).isFalse();
		assertThat(next.headers().contains("Proxy-Authorization")).isFalse();
		assertThat(next.headers().get("X-Trace")).isEqualTo("t1");
	}

	@Test
	void anotherPortIsAnotherHost() throws IOException {
		Request get = Request.builder("GET", URI.create("http://api.test:8080/a"))
			.header("Authorization", "Bearer secret")
			.build();
		Request next = Redirects.next(get, redirect(get, 302, "http://api.test:8081/b"));
		assertThat(next.headers().contains("Authorization")).isFalse();
	}

	@Test
	void credentialsStayOnTheSameHost() throws IOException {
		Request get = Request.builder("GET", URI.create("http://API.test/a"))
			.header("Authorization", "Bearer secret")
			.header("Cookie", "session=1")
			.build();
		Request next = Redirects.next(get, redirect(get, 302, "http://api.test:80/b"));
		assertThat(next.headers().get("Authorization")).isEqualTo("Bearer secret");
		assertThat(next.headers().get("Cookie")).isEqualTo("session=1");
	}

	@Test
	void httpsToHttpIsNotFollowed() throws IOException {
		Request get = Request.get("https://api.test/a");
		assertThat(Redirects.next(get, redirect(get, 302, "http://api.test/a"))).isNull();
	}

	@Test
	void httpToHttpsIsFollowed() throws IOException {
		Request get = Request.get("http://api.test/a");
		assertThat(Redirects.next(get, redirect(get, 301, "https://api.test/a")).uri())
			.isEqualTo(URI.create("https://api.test/a"));
	}

	@Test
	void otherSchemesAreNotFollowed() throws IOException {
		Request get = Request.get("http://api.test/a");
		assertThat(Redirects.next(get, redirect(get, 302, "ftp://api.test/a"))).isNull();
	}

	@Test
	void relativeLocationsResolveAgainstTheRequest() throws IOException {
		Request get = Request.get("http://api.test/a/b?q=1");
		assertThat(Redirects.next(get, redirect(get, 302, "c")).uri()).isEqualTo(URI.create("http://api.test/a/c"));
		assertThat(Redirects.next(get, redirect(get, 302, "../d?x=2")).uri())
			.isEqualTo(URI.create("http://api.test/d?x=2"));
		assertThat(Redirects.next(get, redirect(get, 302, "//other.test/e")).uri())
			.isEqualTo(URI.create("http://other.test/e"));
		Request root = Request.get("http://api.test");
		assertThat(Redirects.next(root, redirect(root, 302, "f")).uri()).isEqualTo(URI.create("http://api.test/f"));
	}

	@Test
	void locationWithSpacesAndNonAsciiIsEscaped() throws IOException {
		Request get = Request.get("http://api.test/a");
		assertThat(Redirects.next(get, redirect(get, 302, "/a b/\u00e9")).uri().getRawPath())
			.isEqualTo("/a%20b/%C3%A9");
	}

	@Test
	void locationThatIsNotAUriFails() {
		Request get = Request.get("http://api.test/a");
		assertThatIOException().isThrownBy(() -> Redirects.next(get, redirect(get, 302, "http://[broken/")))
			.withMessageContaining("http://[broken/");
	}

	@Test
	void requestLimitsAndTlsCarryOver() throws Exception {
		SSLContext sslContext = SSLContext.getInstance("TLS");
		Request get = Request.builder("GET", URI.create("https://api.test/a"))
			.readTimeout(Duration.ofMillis(100))
			.connectTimeout(Duration.ofMillis(200))
			.timeout(Duration.ofSeconds(3))
			.sslContext(sslContext)
			.build();
		Request next = Redirects.next(get, redirect(get, 302, "/b"));
		assertThat(next.readTimeout()).isEqualTo(Duration.ofMillis(100));
		assertThat(next.connectTimeout()).isEqualTo(Duration.ofMillis(200));
		assertThat(next.timeout()).isEqualTo(Duration.ofSeconds(3));
		assertThat(next.sslContext()).isSameAs(sslContext);
	}

	private static Response redirect(Request request, int status, String location) {
		return new Response(request, "HTTP/1.1", status, "", Headers.of("Location", location),
				InputStream.nullInputStream());
	}

}
