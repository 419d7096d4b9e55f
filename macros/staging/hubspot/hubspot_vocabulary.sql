{#- HubSpot's forecast category values in the conformed vocabulary (the one the opportunity
    interfaces use: Pipeline, Best Case, Commit, Closed, Omitted), so forecast KPIs read them as
    they read any CRM's. An unknown value passes through unchanged. -#}
{% macro hubspot_forecast_category(column) -%}
    case upper({{ column }})
        when 'PIPELINE' then 'Pipeline'
        when 'BEST_CASE' then 'Best Case'
        when 'COMMIT' then 'Commit'
        when 'CLOSED' then 'Closed'
        when 'OMIT' then 'Omitted'
        else {{ column }}
    end
{%- endmacro %}
