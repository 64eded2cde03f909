package dev.roundtrip.spring.http.client;

import java.net.CookieHandler;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

import javax.net.ssl.SSLContext;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpMethod;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;

import dev.roundtrip.transport.Request;
import dev.roundtrip.transport.Transport;

/**
 * A {@link ClientHttpRequestFactory} that sends every request through a Roundtrip
 * {@link Transport}, so that all the clients made from it share the transport's
 * connection pool.
 *
 * <p>
 * The transport, like Go's, sends one request and returns one response; this factory adds
 * what Go's {@code http.Client} adds on top: it follows redirects (see
 * {@link #setFollowRedirects(boolean)}). Timeouts and the TLS configuration set here
 * travel with each request ({@link Request#connectTimeout()},
 * {@link Request#readTimeout()}, {@link Request#sslContext()}), so factories with
 * different settings still share one pool; connections made under one {@link SSLContext}
 * are never reused under another.
 *
 * <p>
 * A response must be closed:
 * {@link org.springframework.http.client.ClientHttpResponse#close()} releases its
 * connection (the transport drains a small unread remainder to keep it, or closes it).
 * {@code RestClient} and {@code RestTemplate} close every response they are done with.
 *
 * <p>
 * The factory does not own the transport and never closes it.
 */
public final class RoundtripClientHttpRequestFactory implements ClientHttpRequestFactory {

	/**
	 * How many redirects one exchange may follow before it fails; Go's
	 * {@code http.Client} stops after 10 as well.
	 */
	public static final int MAX_REDIRECTS = 10;

	private final Transport transport;

	private volatile @Nullable Duration connectTimeout;

	private volatile @Nullable Duration readTimeout;

	private volatile boolean followRedirects = true;

	private volatile @Nullable SSLContext sslContext;

	private volatile @Nullable CookieHandler cookieHandler;

	/**
	 * A factory over {@code transport}, with the transport's timeouts and TLS, following
	 * redirects.
	 */
	public RoundtripClientHttpRequestFactory(Transport transport) {
		this.transport = Objects.requireNonNull(transport, "transport");
	}

	/** The transport every request is sent through. */
	public Transport getTransport() {
		return this.transport;
	}

	/**
	 * Limits TCP connect for requests from this factory; {@code null} (the default)
	 * leaves the transport's {@code dial-timeout}, zero means none.
	 */
	public void setConnectTimeout(@Nullable Duration connectTimeout) {
		this.connectTimeout = checkNotNegative(connectTimeout, "connectTimeout");
	}

	public @Nullable Duration getConnectTimeout() {
		return this.connectTimeout;
	}

	/**
	 * Limits each socket read of requests from this factory; {@code null} (the default)
	 * leaves the transport's {@code read-timeout}, zero means none. An exchange that
	 * times out has its connection closed, never reused.
	 */
	public void setReadTimeout(@Nullable Duration readTimeout) {
		this.readTimeout = checkNotNegative(readTimeout, "readTimeout");
	}

	public @Nullable Duration getReadTimeout() {
		return this.readTimeout;
	}

	/**
	 * Whether to follow redirects (default {@code true}), at most {@value #MAX_REDIRECTS}
	 * per exchange: 301, 302 and 303 continue as {@code GET} without a body ({@code HEAD}
	 * stays {@code HEAD}); 307 and 308 repeat the method and body only when the body is
	 * repeatable, and are otherwise returned as they are; {@code Authorization},
	 * {@code Cookie} and {@code Proxy-Authorization} are not sent to another host; a
	 * redirect from {@code https} to {@code http} is not followed.
	 */
	public void setFollowRedirects(boolean followRedirects) {
		this.followRedirects = followRedirects;
	}

	public boolean isFollowRedirects() {
		return this.followRedirects;
	}

	/**
	 * The TLS configuration for {@code https} requests from this factory; {@code null}
	 * (the default) uses the transport's. Reuse one instance for one configuration: the
	 * pool tells configurations apart by identity.
	 */
	public void setSslContext(@Nullable SSLContext sslContext) {
		this.sslContext = sslContext;
	}

	public @Nullable SSLContext getSslContext() {
		return this.sslContext;
	}

	/**
	 * Keeps cookies for requests from this factory: each request (each redirect hop
	 * included) carries the cookies {@code cookieHandler} has for its URI, merged into
	 * one {@code Cookie} header, and each response's {@code Set-Cookie} goes to it;
	 * {@code null} (the default) keeps none, as Go's transport does.
	 */
	public void setCookieHandler(@Nullable CookieHandler cookieHandler) {
		this.cookieHandler = cookieHandler;
	}

	public @Nullable CookieHandler getCookieHandler() {
		return this.cookieHandler;
	}

	@Override
	public ClientHttpRequest createRequest(URI uri, HttpMethod httpMethod) {
		return new RoundtripClientHttpRequest(this.transport, uri, httpMethod, this.connectTimeout, this.readTimeout,
				this.sslContext, this.followRedirects ? MAX_REDIRECTS : 0, this.cookieHandler);
	}

	private static @Nullable Duration checkNotNegative(@Nullable Duration duration, String name) {
		if (duration != null && duration.isNegative()) {
			throw new IllegalArgumentException(name + " must not be negative, was " + duration);
		}
		return duration;
	}

}
