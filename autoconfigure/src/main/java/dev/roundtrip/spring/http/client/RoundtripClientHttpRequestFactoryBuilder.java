package dev.roundtrip.spring.http.client;

import java.net.CookieManager;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.HttpRedirects;
import org.springframework.boot.util.LambdaSafe;

import dev.roundtrip.spring.http.client.Boot41Settings.BootAddressFilter;
import dev.roundtrip.transport.AddressFilter;
import dev.roundtrip.transport.Transport;

/**
 * Builds {@link RoundtripClientHttpRequestFactory factories} over one shared
 * {@link Transport}. Spring Boot builds a factory for every injected
 * {@code RestClient.Builder}, every {@code RestTemplateBuilder.build()} and every HTTP
 * service group; all of them send through the same transport, so an application has one
 * connection pool however many clients it makes.
 *
 * <p>
 * Every field of {@link HttpClientSettings} is applied to the factory, per request,
 * leaving the transport untouched:
 * <ul>
 * <li>{@code connectTimeout} and {@code readTimeout}: the request's connect and read
 * timeouts ({@code null} leaves the transport's);</li>
 * <li>{@code redirects}: followed unless {@link HttpRedirects#DONT_FOLLOW};</li>
 * <li>{@code sslBundle}: one {@code SSLContext} per bundle, made once and shared by every
 * factory built with that bundle, so they share connections too, while connections made
 * under another bundle are never mixed with them;</li>
 * <li>{@code cookieHandling} (Boot 4.1): {@code enable} and {@code enable-when-possible}
 * give each built factory a {@link CookieManager} of its own, {@code disable} and
 * {@code null} keep no cookies;</li>
 * <li>{@code inetAddressFilter} (Boot 4.1): applied by the transport at dial time, to
 * every address a host or the proxy resolves to (see
 * {@link #addressFilter(HttpClientSettings)}); a refused host fails with Boot's
 * {@code FilteredHostException}. The transport is shared, so it must have been built with
 * the same filter: settings with another filter fail the build rather than go
 * unprotected.</li>
 * </ul>
 * Built against Boot 4.0's API: on Boot 4.0 the last two simply do not exist.
 */
public final class RoundtripClientHttpRequestFactoryBuilder
		implements ClientHttpRequestFactoryBuilder<RoundtripClientHttpRequestFactory> {

	private final Transport transport;

	private final BundleSslContexts sslContexts;

	private final List<Consumer<RoundtripClientHttpRequestFactory>> customizers;

	/**
	 * A builder of factories over {@code transport}, which the caller keeps and closes.
	 */
	public RoundtripClientHttpRequestFactoryBuilder(Transport transport) {
		this(Objects.requireNonNull(transport, "transport"), new BundleSslContexts(), List.of());
	}

	private RoundtripClientHttpRequestFactoryBuilder(Transport transport, BundleSslContexts sslContexts,
			List<Consumer<RoundtripClientHttpRequestFactory>> customizers) {
		this.transport = transport;
		this.sslContexts = sslContexts;
		this.customizers = customizers;
	}

	/**
	 * The transport's address filter for the {@code InetAddressFilter} of
	 * {@code settings} (Spring Boot 4.1+), for {@code Transport.Builder.addressFilter};
	 * {@code null} when the settings have none, as always on Boot 4.0. A transport built
	 * with it serves factories built with those settings, and its refusals fail with
	 * Boot's {@code FilteredHostException}.
	 */
	public static @Nullable AddressFilter addressFilter(@Nullable HttpClientSettings settings) {
		Object filter = (settings != null) ? Boot41Settings.inetAddressFilter(settings) : null;
		return (filter != null) ? new BootAddressFilter(filter) : null;
	}

	/** The transport every factory from this builder sends through. */
	public Transport transport() {
		return this.transport;
	}

	@Override
	@SuppressWarnings("unchecked")
	public RoundtripClientHttpRequestFactory build(@Nullable HttpClientSettings settings) {
		HttpClientSettings applied = (settings != null) ? settings : HttpClientSettings.defaults();
		RoundtripClientHttpRequestFactory factory = new RoundtripClientHttpRequestFactory(this.transport);
		factory.setConnectTimeout(applied.connectTimeout());
		factory.setReadTimeout(applied.readTimeout());
		factory.setFollowRedirects(applied.redirects() != HttpRedirects.DONT_FOLLOW);
		if (applied.sslBundle() != null) {
			factory.setSslContext(this.sslContexts.get(applied.sslBundle()));
		}
		Object inetAddressFilter = Boot41Settings.inetAddressFilter(applied);
		if (inetAddressFilter != null && !Boot41Settings.isFilteredBy(this.transport, inetAddressFilter)) {
			throw new IllegalStateException("HttpClientSettings carry an InetAddressFilter (" + inetAddressFilter
					+ ") that the shared transport was not built with, so it could not be applied at dial time; "
					+ "build the transport with Transport.Builder.addressFilter("
					+ "RoundtripClientHttpRequestFactoryBuilder.addressFilter(settings))");
		}
		String cookieHandling = Boot41Settings.cookieHandling(applied);
		if ("ENABLE".equals(cookieHandling) || "ENABLE_WHEN_POSSIBLE".equals(cookieHandling)) {
			factory.setCookieHandler(new CookieManager());
		}
		LambdaSafe.callbacks(Consumer.class, this.customizers, factory)
			.invoke((customizer) -> customizer.accept(factory));
		return factory;
	}

	/**
	 * A builder that also applies {@code customizer} to each factory once the settings
	 * are applied.
	 */
	@Override
	public RoundtripClientHttpRequestFactoryBuilder withCustomizer(
			Consumer<RoundtripClientHttpRequestFactory> customizer) {
		return withCustomizers(List.of(customizer));
	}

	/**
	 * A builder that also applies {@code customizers}, in order, to each factory once the
	 * settings are applied.
	 */
	@Override
	public RoundtripClientHttpRequestFactoryBuilder withCustomizers(
			Collection<Consumer<RoundtripClientHttpRequestFactory>> customizers) {
		List<Consumer<RoundtripClientHttpRequestFactory>> merged = new ArrayList<>(this.customizers);
		for (Consumer<RoundtripClientHttpRequestFactory> customizer : customizers) {
			merged.add(Objects.requireNonNull(customizer, "customizer"));
		}
		return new RoundtripClientHttpRequestFactoryBuilder(this.transport, this.sslContexts, List.copyOf(merged));
	}

}
