from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='TrainingJob',
            fields=[
                ('id', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=80)),
                ('job_name', fields.CharField(max_length=63)),
                ('namespace', fields.CharField(db_index=True, max_length=63)),
                ('algorithm', fields.CharField(max_length=64)),
                ('priority', fields.IntField(default=0, db_default=0)),
                ('request_payload', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('target_clusters', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('kind', fields.CharField(max_length=32)),
                ('api_version', fields.CharField(max_length=64)),
                ('object_name', fields.CharField(max_length=63)),
                ('pvc_name', fields.CharField(null=True, max_length=63)),
                ('status', fields.CharField(db_index=True, max_length=16)),
                ('reason', fields.CharField(max_length=32)),
                ('message', fields.TextField(default='', db_default='', unique=False)),
                ('placement', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('cluster_distribution', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('active', fields.IntField(default=0, db_default=0)),
                ('succeeded', fields.IntField(default=0, db_default=0)),
                ('failed', fields.IntField(default=0, db_default=0)),
                ('start_time', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('completion_time', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('status_confirmed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('submission_failing_since', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_sequence', fields.IntField(default=0, db_default=0)),
                ('created_by', fields.CharField(null=True, max_length=128)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'training_jobs', 'app': 'models', 'indexes': [Index(fields=['created_at', 'id'])], 'pk_attr': 'id', 'table_description': 'One submitted training job. Its status column holds a Phase value (PENDING ...).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='JobEvent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('job', fields.ForeignKeyField('models.TrainingJob', source_field='job_id', db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.CASCADE)),
                ('sequence', fields.IntField()),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('from_status', fields.CharField(null=True, max_length=16)),
                ('to_status', fields.CharField(max_length=16)),
                ('reason', fields.CharField(max_length=32)),
                ('message', fields.TextField(default='', db_default='', unique=False)),
                ('cluster', fields.CharField(null=True, max_length=253)),
                ('actor', fields.CharField(null=True, max_length=128)),
            ],
            options={'table': 'job_events', 'app': 'models', 'unique_together': (('job', 'sequence'),), 'pk_attr': 'id', 'table_description': 'A transition of a job (phase or reason), numbered 1, 2, 3... per job by sequence.'},
            bases=['Model'],
        ),
    ]
