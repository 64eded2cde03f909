package dev.roundtrip.spring.autoconfigure;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.InetAddress;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.ExecutableMode;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.boot.context.properties.bind.BindableRuntimeHintsRegistrar;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

import dev.roundtrip.transport.HostSettings;
import dev.roundtrip.transport.TransportSettings;

/**
 * What Roundtrip reaches by reflection, for AOT-processed and native applications:
 * <ul>
 * <li>binding of {@code roundtrip.transport.*} and {@code roundtrip.transport.metrics.*},
 * the per-host {@code hosts.[host:port]} map entries included; also needed when a second
 * pool is bound under a prefix of its own by {@link RoundtripTransports};</li>
 * <li>the {@code roundtrip} endpoint's responses, written by Jackson, and the
 * {@link TransportSettings} record it reads component by component;</li>
 * <li>on Spring Boot 4.1, the {@code HttpClientSettings} accessors, the
 * {@code InetAddressFilter.matches} method and the {@code FilteredHostException}
 * constructor that the request factory builder reaches by reflection, so one artifact
 * runs on Boot 4.0 too.</li>
 * </ul>
 */
class RoundtripRuntimeHints implements RuntimeHintsRegistrar {

	static final String ENDPOINT = "dev.roundtrip.spring.actuate.RoundtripEndpoint";

	private static final String ENDPOINT_ANNOTATION = "org.springframework.boot.actuate.endpoint.annotation.Endpoint";

	private static final String READ_OPERATION = "org.springframework.boot.actuate.endpoint.annotation.ReadOperation";

	private static final String INET_ADDRESS_FILTER = "org.springframework.boot.http.client.InetAddressFilter";

	private static final String FILTERED_HOST_EXCEPTION = "org.springframework.boot.http.client.FilteredHostException";

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		BindableRuntimeHintsRegistrar.forTypes(RoundtripTransportProperties.class, RoundtripMetricsProperties.class)
			.registerHints(hints, classLoader);
		hints.reflection()
			.registerType(TransportSettings.class, MemberCategory.INVOKE_PUBLIC_METHODS,
					MemberCategory.ACCESS_DECLARED_FIELDS);
		new BindingReflectionHintsRegistrar().registerReflectionHints(hints.reflection(), HostSettings.class);
		registerEndpointResponses(hints, classLoader);
		registerBoot41(hints, classLoader);
	}

	private void registerEndpointResponses(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		if (!ClassUtils.isPresent(ENDPOINT_ANNOTATION, classLoader) || !ClassUtils.isPresent(ENDPOINT, classLoader)) {
			return;
		}
		@SuppressWarnings("unchecked")
		Class<? extends java.lang.annotation.Annotation> readOperation = (Class<? extends java.lang.annotation.Annotation>) ClassUtils
			.resolveClassName(READ_OPERATION, classLoader);
		BindingReflectionHintsRegistrar binding = new BindingReflectionHintsRegistrar();
		ReflectionUtils.doWithMethods(ClassUtils.resolveClassName(ENDPOINT, classLoader),
				(method) -> binding.registerReflectionHints(hints.reflection(), method.getGenericReturnType()),
				(method) -> method.isAnnotationPresent(readOperation));
	}

	private void registerBoot41(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		for (String accessor : new String[] { "inetAddressFilter", "cookieHandling" }) {
			Method method = ClassUtils.getMethodIfAvailable(HttpClientSettings.class, accessor);
			if (method != null) {
				hints.reflection().registerMethod(method, ExecutableMode.INVOKE);
			}
		}
		if (ClassUtils.isPresent(INET_ADDRESS_FILTER, classLoader)
				&& ClassUtils.isPresent(FILTERED_HOST_EXCEPTION, classLoader)) {
			Class<?> filter = ClassUtils.resolveClassName(INET_ADDRESS_FILTER, classLoader);
			Method matches = ClassUtils.getMethodIfAvailable(filter, "matches", InetAddress.class);
			if (matches != null) {
				hints.reflection().registerMethod(matches, ExecutableMode.INVOKE);
			}
			try {
				Constructor<?> constructor = ClassUtils.resolveClassName(FILTERED_HOST_EXCEPTION, classLoader)
					.getDeclaredConstructor(String.class, filter);
				hints.reflection().registerConstructor(constructor, ExecutableMode.INVOKE);
			}
			catch (NoSuchMethodException ex) {
				// Another Boot 4.1 patch: the builder falls back to the transport's
				// exception.
			}
		}
	}

}
