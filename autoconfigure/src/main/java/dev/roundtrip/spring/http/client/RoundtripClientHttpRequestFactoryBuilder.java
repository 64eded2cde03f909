package dev.roundtrip.spring.http.client;

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
 * under another bundle are never mixed with them.</li>
 * </ul>
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
