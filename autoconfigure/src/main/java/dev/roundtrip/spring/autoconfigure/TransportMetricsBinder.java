package dev.roundtrip.spring.autoconfigure;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.jspecify.annotations.Nullable;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;

import dev.roundtrip.spring.autoconfigure.RoundtripTransports.TransportListenerFactory;
import dev.roundtrip.spring.metrics.TransportMetrics;
import dev.roundtrip.transport.Transport;
import dev.roundtrip.transport.TransportListener;

/**
 * The metrics of every transport built through {@link RoundtripTransports}: one
 * {@link TransportMetrics}, tagged with the bean's name, made when the transport is built
 * (it is the transport's listener) and bound with Boot's other {@link MeterBinder}s. Boot
 * binds this one binder after the singletons are made; a transport built later is bound
 * at once.
 */
final class TransportMetricsBinder implements MeterBinder, TransportListenerFactory {

	private final BeanFactory beanFactory;

	private final int maxDestinations;

	private final Map<String, TransportMetrics> metrics = new ConcurrentHashMap<>();

	private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();

	TransportMetricsBinder(BeanFactory beanFactory, int maxDestinations) {
		this.beanFactory = beanFactory;
		this.maxDestinations = maxDestinations;
	}

	/**
	 * The metrics of the transport bean {@code transportName}; they read its pool from
	 * the bean factory, once it is built.
	 */
	@Override
	public TransportListener listenerFor(String transportName) {
		TransportMetrics created = new TransportMetrics(transportName, () -> transport(transportName),
				this.maxDestinations);
		TransportMetrics previous = this.metrics.putIfAbsent(transportName, created);
		if (previous != null) {
			return previous;
		}
		// Either this or bindTo sees both: binding one metrics twice to a registry is a
		// no-op.
		this.registries.forEach(created::bindTo);
		return created;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.registries.add(registry);
		this.metrics.values().forEach((metrics) -> metrics.bindTo(registry));
	}

	/** The metrics made so far, by transport name. */
	Map<String, TransportMetrics> metrics() {
		return Map.copyOf(this.metrics);
	}

	/** The transport, or {@code null} while it is being built or if it is no bean. */
	private @Nullable Transport transport(String name) {
		try {
			return this.beanFactory.containsBean(name) ? this.beanFactory.getBean(name, Transport.class) : null;
		}
		catch (BeansException ex) {
			return null;
		}
	}

}
