package dev.roundtrip.spring.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.validation.BindValidationException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.Ordered;
import org.springframework.validation.ObjectError;

import dev.roundtrip.spring.autoconfigure.InvalidRoundtripPropertiesException.Problem;

/**
 * Boot's failure-analysis report for {@code roundtrip.transport.*}: for each bad property
 * its full name, where it was set and what is wrong, instead of a stack trace. Handles
 * {@link InvalidRoundtripPropertiesException} (unknown keys, per-host keys, metrics
 * values) and the validation of {@link RoundtripTransportProperties} (values the
 * transport refuses), ahead of Boot's generic analyzers.
 */
final class RoundtripPropertiesFailureAnalyzer implements FailureAnalyzer, Ordered {

	private static final String ACTION = "Correct or remove the properties above. Every roundtrip.transport property,"
			+ " with its default and range, is listed in the Roundtrip documentation (docs/properties.md);"
			+ " per-host keys are written roundtrip.transport.hosts.[host:port].<setting>.";

	@Override
	public int getOrder() {
		// Before Boot's BindValidationFailureAnalyzer, which would report the same
		// failure without the property's origin.
		return Ordered.HIGHEST_PRECEDENCE;
	}

	@Override
	public @Nullable FailureAnalysis analyze(Throwable failure) {
		List<Problem> problems = null;
		for (Throwable cause = failure; cause != null && problems == null; cause = cause.getCause()) {
			if (cause instanceof InvalidRoundtripPropertiesException invalid) {
				problems = invalid.problems();
			}
			else if (cause instanceof BindValidationException validation) {
				problems = problems(validation);
			}
		}
		if (problems == null || problems.isEmpty()) {
			return null;
		}
		StringBuilder description = new StringBuilder("Invalid Roundtrip configuration:\n");
		for (Problem problem : problems) {
			description.append("\n    Property: ").append(problem.property());
			if (problem.origin() != null) {
				description.append("\n    Origin:   ").append(problem.origin());
			}
			description.append("\n    Reason:   ").append(problem.reason()).append('\n');
		}
		return new FailureAnalysis(description.toString(), ACTION, failure);
	}

	/**
	 * The problems {@link RoundtripTransportProperties#validate} reported: each message
	 * starts with the full property name, whose origin is among the bound properties.
	 */
	private static @Nullable List<Problem> problems(BindValidationException validation) {
		if (!RoundtripTransportProperties.PREFIX.equals(validation.getValidationErrors().getName().toString())) {
			return null;
		}
		List<Problem> problems = new ArrayList<>();
		for (ObjectError error : validation.getValidationErrors().getAllErrors()) {
			String message = error.getDefaultMessage();
			if (message == null || !message.startsWith(RoundtripTransportProperties.PREFIX + ".")) {
				return null;
			}
			int space = message.indexOf(' ');
			int colon = message.indexOf(": ");
			int end = (colon > 0 && (space < 0 || colon < space)) ? colon : space;
			String property = (end > 0) ? message.substring(0, end) : message;
			String reason = (end > 0) ? message.substring(end + ((end == colon) ? 2 : 1)) : message;
			problems.add(new Problem(property, origin(validation, property), reason));
		}
		return problems;
	}

	private static @Nullable String origin(BindValidationException validation, String property) {
		ConfigurationPropertyName name = ConfigurationPropertyName.adapt(property, '.');
		for (ConfigurationProperty bound : validation.getValidationErrors().getBoundProperties()) {
			if (bound.getName().equals(name) && bound.getOrigin() != null) {
				return bound.getOrigin().toString();
			}
		}
		return null;
	}

}
