{#- Salesforce polymorphic `who_id`: lead ids start with 00Q, contact ids with 003. -#}
{% macro who_type(expression) -%}
    case
        when {{ expression }} like '00Q%' then 'lead'
        when {{ expression }} like '003%' then 'contact'
    end
{%- endmacro %}
