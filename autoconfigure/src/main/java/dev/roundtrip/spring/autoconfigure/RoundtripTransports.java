package dev.roundtrip.spring.autoconfigure;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

import dev.roundtrip.spring.metrics.TransportMetrics;
import dev.roundtrip.transport.AddressFilter;
import dev.roundtrip.transport.Transport;
import dev.roundtrip.transport.TransportListener;

/**
 * Builds {@link Transport} beans the way the auto-configured {@code roundtripTransport}
 * is built, so that a second pool gets the same treatment: settings from
 * {@code roundtrip.transport.*}-shaped properties (under a prefix of its own), every
 * {@link TransportListener} bean, the Micrometer metrics tagged with the bean's name when
 * metrics are on, every {@link TransportBuilderCustomizer}, and on Spring Boot 4.1 the
 * application's {@code InetAddressFilter}. A transport is immutable once built and takes
 * its listener from its builder only, so this is where the metrics are attached: build
 * the bean from here and it has them.
 *
 * <pre class="code">
 * &#64;Bean(destroyMethod = "close")
 * Transport apiTransport(RoundtripTransports transports) {
 *     return transports.builder("apiTransport", "api.transport").build();
 * }
 * </pre>
 *
 * with {@code api.transport.max-conns-per-host=4} and any other
 * {@code roundtrip.transport.*} key under {@code api.transport} in the same file. The
 * builder can still be changed before {@code build()}; the name must be the bean's, which
 * the metrics read the pool from and the {@code roundtrip} endpoint lists it under.
 */
public final class RoundtripTransports {

	private final Environment environment;

	private final ObjectProvider<TransportListener> listeners;

	private final ObjectProvider<TransportListenerFactory> listenerFactories;

	private final ObjectProvider<TransportBuilderCustomizer> customizers;

	private final @Nullable AddressFilter addressFilter;

	RoundtripTransports(Environment environment, ObjectProvider<TransportListener> listeners,
			ObjectProvider<TransportListenerFactory> listenerFactories,
			ObjectProvider<TransportBuilderCustomizer> customizers, @Nullable AddressFilter addressFilter) {
		this.environment = environment;
		this.listeners = listeners;
		this.listenerFactories = listenerFactories;
		this.customizers = customizers;
		this.addressFilter = addressFilter;
	}

	/**
	 * A builder for the transport bean {@code name}, configured from the properties bound
	 * under {@code prefix} (the keys of {@code roundtrip.transport.*}, such as
	 * {@code api.transport.max-conns-per-host}).
	 * @throws IllegalStateException if a bound value is invalid, naming the property
	 */
	public Transport.Builder builder(String name, String prefix) {
		return builder(name, bind(prefix), prefix);
	}

	/**
	 * A builder for the transport bean {@code name}, configured from {@code properties}.
	 */
	public Transport.Builder builder(String name, RoundtripTransportProperties properties) {
		return builder(name, properties, RoundtripTransportProperties.PREFIX);
	}

	/**
	 * The properties bound under {@code prefix}, the defaults where nothing is set there.
	 */
	public RoundtripTransportProperties bind(String prefix) {
		return Binder.get(this.environment)
			.bindOrCreate(prefix, Bindable.ofInstance(new RoundtripTransportProperties()));
	}

	private Transport.Builder builder(String name, RoundtripTransportProperties properties, String prefix) {
		Objects.requireNonNull(name, "name");
		Transport.Builder builder;
		try {
			builder = Transport.builder().settings(properties.toSettings());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException(prefix + "." + ex.getMessage(), ex);
		}
		List<TransportListener> all = new ArrayList<>();
		// A TransportMetrics bean belongs to the one transport it is named for.
		this.listeners.orderedStream().filter((listener) -> !(listener instanceof TransportMetrics)).forEach(all::add);
		this.listenerFactories.orderedStream().forEach((factory) -> all.add(factory.listenerFor(name)));
		builder.listener(CompositeTransportListener.of(all)).addressFilter(this.addressFilter);
		this.customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
		return builder;
	}

	/**
	 * A listener of one transport, made for it by name when it is built: how the metrics
	 * auto-configuration attaches each transport's metrics.
	 */
	@FunctionalInterface
	interface TransportListenerFactory {

		TransportListener listenerFor(String transportName);

	}

}
